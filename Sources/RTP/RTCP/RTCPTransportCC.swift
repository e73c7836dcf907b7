// draft-holmer-rmcat-transport-wide-cc-extensions-01 §3.1: transport-wide congestion control
// feedback (PT 205, FMT 15). Statuses come in run-length or status-vector chunks; receive
// deltas (250 µs units) follow for every received packet.

/// The reception status of one packet in a transport-cc report.
public enum RTCPTransportCCStatus: UInt8, Sendable {
    /// Not received (no delta).
    case notReceived = 0
    /// Received; the delta fits one unsigned byte (0–63.75 ms).
    case smallDelta = 1
    /// Received; the delta needs two signed bytes (negative or ≥ 64 ms).
    case largeDelta = 2
}

/// A transport-cc feedback packet read in place; iterating yields one entry per reported packet.
///
/// ```
///  0                   1                   2                   3
///  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |V=2|P|  FMT=15 |    PT=205     |           length              |
/// |                     SSRC of packet sender                     |
/// |                      SSRC of media source                     |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |      base sequence number     |      packet status count      |
/// |        reference time (24-bit signed, 64 ms) | fb pkt. count  |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |          packet chunk         |         packet chunk      ... |
/// |  ... recv deltas (1 or 2 bytes each)  ...    | zero padding   |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///
/// run-length chunk        |0| S |   run length (13 bits)  |
/// status vector, 1-bit    |1|0|  14 symbols of 1 bit      |
/// status vector, 2-bit    |1|1|   7 symbols of 2 bits     |
/// ```
///
/// Chunks and deltas are validated when parsed, so iteration cannot fail.
/// The view points into the caller's buffer; use it only while that memory is valid.
public struct RTCPTransportCC: Sequence {
    /// Microseconds per reference-time unit.
    public static let referenceTimeUnitMicroseconds: Int64 = 64_000
    /// Microseconds per receive-delta unit.
    public static let deltaUnitMicroseconds: Int64 = 250

    /// Who sends the feedback.
    public let senderSSRC: UInt32
    /// The media source field (libwebrtc sends the first media SSRC; receivers ignore it).
    public let mediaSSRC: UInt32
    /// The transport-wide sequence number of the first reported packet.
    public let baseSequenceNumber: UInt16
    /// How many packets the report covers, from the base on.
    public let packetStatusCount: Int
    /// The reference time, in units of 64 ms (sign-extended from 24 bits).
    public let referenceTime: Int32
    /// The feedback packet counter, for detecting lost feedback.
    public let feedbackPacketCount: UInt8
    /// The FCI.
    public let fci: UnsafeRawBufferPointer
    /// Offset in `fci` where the receive deltas start.
    let deltasOffset: Int

    /// One reported packet.
    public struct Entry: Sendable, Equatable {
        /// Its transport-wide sequence number.
        public var sequenceNumber: UInt16
        /// Whether and how it was received.
        public var status: RTCPTransportCCStatus
        /// The receive delta in 250 µs units (0 when not received).
        public var delta: Int16
        /// Arrival time in µs on the feedback sender's clock (reference time plus the deltas so
        /// far), or nil when not received. Only differences between entries are meaningful.
        public var arrivalMicroseconds: Int64?
    }

    /// Parses and validates the transport-cc feedback at the start of `bytes`.
    public init(parsing bytes: UnsafeRawBufferPointer) throws(RTCPParseError) {
        (senderSSRC, mediaSSRC, fci) = try RTCPFeedback.parse(
            bytes, type: RTCPPacketType.transportFeedback, format: RTCPFeedback.transportCCFormat)
        guard fci.count >= 8 else { throw .tooShort }
        baseSequenceNumber = fci.readUInt16(0)
        packetStatusCount = Int(fci.readUInt16(2))
        referenceTime = Int32(bitPattern: fci.readUInt24(4) << 8) >> 8
        feedbackPacketCount = fci.readUInt8(7)

        // Walk the chunks once to find where deltas start and how many bytes they need.
        var offset = 8
        var covered = 0
        var deltaBytes = 0
        while covered < packetStatusCount {
            guard offset &+ 2 <= fci.count else { throw .statusOverrun }
            let chunk = fci.readUInt16(offset)
            offset &+= 2
            let symbols = Swift.min(Self.symbolCount(chunk), packetStatusCount &- covered)
            for index in 0..<symbols {
                switch Self.symbol(chunk, index) {
                case 1: deltaBytes &+= 1
                case 2: deltaBytes &+= 2
                case 3: throw .reservedStatus
                default: break
                }
            }
            covered &+= symbols
        }
        guard offset &+ deltaBytes <= fci.count else { throw .statusOverrun }
        deltasOffset = offset
    }

    /// Symbols a chunk describes.
    @inline(__always)
    static func symbolCount(_ chunk: UInt16) -> Int {
        if chunk & 0x8000 == 0 { return Int(chunk & 0x1FFF) }
        return chunk & 0x4000 == 0 ? 14 : 7
    }

    /// Symbol `index` of a chunk (0 = not received, 1 = small, 2 = large, 3 = reserved).
    @inline(__always)
    static func symbol(_ chunk: UInt16, _ index: Int) -> UInt8 {
        if chunk & 0x8000 == 0 { return UInt8(truncatingIfNeeded: (chunk >> 13) & 0x3) }
        if chunk & 0x4000 == 0 { return UInt8(truncatingIfNeeded: (chunk >> UInt16(13 &- index)) & 0x1) }
        return UInt8(truncatingIfNeeded: (chunk >> UInt16(12 &- 2 &* index)) & 0x3)
    }

    /// Walks statuses and deltas together.
    public struct Iterator: IteratorProtocol {
        let report: RTCPTransportCC
        var chunkOffset = 8
        var indexInChunk = 0
        var emitted = 0
        var deltaOffset: Int
        var time: Int64

        init(report: RTCPTransportCC) {
            self.report = report
            deltaOffset = report.deltasOffset
            time = Int64(report.referenceTime) &* RTCPTransportCC.referenceTimeUnitMicroseconds
        }

        /// The next reported packet.
        public mutating func next() -> Entry? {
            let fci = report.fci
            while emitted < report.packetStatusCount, chunkOffset &+ 2 <= fci.count {
                let chunk = fci.readUInt16(chunkOffset)
                guard indexInChunk < RTCPTransportCC.symbolCount(chunk) else {
                    chunkOffset &+= 2
                    indexInChunk = 0
                    continue
                }
                let symbol = RTCPTransportCC.symbol(chunk, indexInChunk)
                indexInChunk &+= 1
                let sequenceNumber = report.baseSequenceNumber &+ UInt16(truncatingIfNeeded: emitted)
                emitted &+= 1
                switch symbol {
                case 1:
                    let delta = Int16(fci.readUInt8(deltaOffset))
                    deltaOffset &+= 1
                    time &+= Int64(delta) &* RTCPTransportCC.deltaUnitMicroseconds
                    return Entry(sequenceNumber: sequenceNumber, status: .smallDelta, delta: delta, arrivalMicroseconds: time)
                case 2:
                    let delta = Int16(bitPattern: fci.readUInt16(deltaOffset))
                    deltaOffset &+= 2
                    time &+= Int64(delta) &* RTCPTransportCC.deltaUnitMicroseconds
                    return Entry(sequenceNumber: sequenceNumber, status: .largeDelta, delta: delta, arrivalMicroseconds: time)
                default:
                    return Entry(sequenceNumber: sequenceNumber, status: .notReceived, delta: 0, arrivalMicroseconds: nil)
                }
            }
            return nil
        }
    }

    /// Iterates the reported packets in sequence order.
    public func makeIterator() -> Iterator { Iterator(report: self) }
}

// RFC 5104 §4.3.1: full intra request (PT 206, FMT 4). The media SSRC field is unused (0);
// each FCI entry names the stream and carries a command sequence number that repeats on
// retransmission of the same request and increments for a new one.

/// A FIR read in place.
///
/// ```
///  0                   1                   2                   3
///  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                              SSRC                             |  × N
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// | Seq nr.       |    Reserved (0)                               |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// ```
///
/// The view points into the caller's buffer; use it only while that memory is valid.
public struct RTCPFullIntraRequest {
    /// One FCI entry.
    public struct Entry: Sendable, Equatable {
        /// The stream that should send a decoder refresh point.
        public var ssrc: UInt32
        /// The command sequence number.
        public var sequenceNumber: UInt8
        /// Creates an entry.
        public init(ssrc: UInt32, sequenceNumber: UInt8) {
            self.ssrc = ssrc
            self.sequenceNumber = sequenceNumber
        }
    }

    /// Who asks.
    public let senderSSRC: UInt32
    /// The (unused, normally 0) media source field.
    public let mediaSSRC: UInt32
    /// The FCI entries.
    public let fci: UnsafeRawBufferPointer
    /// Number of entries.
    public var entryCount: Int { fci.count / 8 }

    /// Parses the FIR at the start of `bytes`.
    public init(parsing bytes: UnsafeRawBufferPointer) throws(RTCPParseError) {
        (senderSSRC, mediaSSRC, fci) = try RTCPFeedback.parse(
            bytes, type: RTCPPacketType.payloadFeedback, format: RTCPFeedback.firFormat)
        guard fci.count >= 8, fci.count % 8 == 0 else { throw .badCount }
    }

    /// Entry `index` (0 ..< `entryCount`).
    public func entry(_ index: Int) -> Entry? {
        guard index >= 0, index < entryCount else { return nil }
        return Entry(ssrc: fci.readUInt32(index &* 8), sequenceNumber: fci.readUInt8(index &* 8 &+ 4))
    }

    /// Writes a FIR with the given entries (at least one); returns its length.
    public static func write(
        senderSSRC: UInt32, entries: some Collection<Entry>, into buffer: UnsafeMutableRawBufferPointer
    ) throws(RTPBuildError) -> Int {
        guard !entries.isEmpty else { throw .valueOutOfRange }
        let length = 12 &+ entries.count &* 8
        try RTCPFeedback.writeHeader(
            type: RTCPPacketType.payloadFeedback, format: RTCPFeedback.firFormat, length: length,
            sender: senderSSRC, media: 0, into: buffer)
        var offset = 12
        for entry in entries {
            buffer.writeUInt32(entry.ssrc, at: offset)
            buffer.writeUInt32(UInt32(entry.sequenceNumber) << 24, at: offset &+ 4)
            offset &+= 8
        }
        return length
    }
}

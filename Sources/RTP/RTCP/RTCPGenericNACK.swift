// RFC 4585 §6.2.1: generic NACK (PT 205, FMT 1). Each FCI entry names one lost packet (PID)
// and a bitmask of the 16 after it (bit i set = PID + i + 1 lost too).

/// A generic NACK read in place.
///
/// ```
///  0                   1                   2                   3
///  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |            PID                |             BLP               |  × N
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// ```
///
/// The view points into the caller's buffer; use it only while that memory is valid.
public struct RTCPGenericNACK: Sequence {
    /// Who reports the loss.
    public let senderSSRC: UInt32
    /// The stream whose packets were lost.
    public let mediaSSRC: UInt32
    /// The FCI entries.
    public let fci: UnsafeRawBufferPointer
    /// Number of PID/BLP entries.
    public var pairCount: Int { fci.count / 4 }

    /// Parses the NACK at the start of `bytes`.
    public init(parsing bytes: UnsafeRawBufferPointer) throws(RTCPParseError) {
        (senderSSRC, mediaSSRC, fci) = try RTCPFeedback.parse(
            bytes, type: RTCPPacketType.transportFeedback, format: RTCPFeedback.nackFormat)
        guard fci.count >= 4 else { throw .badCount }
    }

    /// Entry `index`: the packet ID and the bitmask of following lost packets.
    public func pair(_ index: Int) -> (packetID: UInt16, bitmask: UInt16)? {
        guard index >= 0, index < pairCount else { return nil }
        return (fci.readUInt16(index &* 4), fci.readUInt16(index &* 4 &+ 2))
    }

    /// Yields every sequence number the NACK reports lost, in wire order.
    public struct Iterator: IteratorProtocol {
        let nack: RTCPGenericNACK
        var pair = 0
        /// -1 is the PID itself, 0...15 the BLP bits.
        var bit = -1

        /// The next lost sequence number.
        public mutating func next() -> UInt16? {
            while let (pid, mask) = nack.pair(pair) {
                while bit < 16 {
                    let current = bit
                    bit &+= 1
                    if current < 0 { return pid }
                    if mask & (1 << UInt16(current)) != 0 { return pid &+ UInt16(current) &+ 1 }
                }
                pair &+= 1
                bit = -1
            }
            return nil
        }
    }

    /// Iterates the lost sequence numbers.
    public func makeIterator() -> Iterator { Iterator(nack: self) }

    /// Writes a NACK for `lost`, which should be in ascending (wrap-aware) order; each number
    /// within 16 of the previous entry's PID shares its entry. Returns the packet length.
    @inlinable
    public static func write(
        senderSSRC: UInt32, mediaSSRC: UInt32, lost: some Collection<UInt16>, into buffer: UnsafeMutableRawBufferPointer
    ) throws(RTPBuildError) -> Int {
        let pairs = visitPairs(lost) { _, _ in }
        guard pairs > 0 else { throw .valueOutOfRange }
        let length = 12 &+ pairs &* 4
        try RTCPFeedback.writeHeader(
            type: RTCPPacketType.transportFeedback, format: RTCPFeedback.nackFormat, length: length,
            sender: senderSSRC, media: mediaSSRC, into: buffer)
        visitPairs(lost) { index, pair in
            buffer.writeUInt16(pair.packetID, at: 12 &+ index &* 4)
            buffer.writeUInt16(pair.bitmask, at: 14 &+ index &* 4)
        }
        return length
    }

    /// Packs `lost` into PID/BLP pairs, handing each finished pair to `body`; returns the count.
    @inlinable @discardableResult
    static func visitPairs(
        _ lost: some Collection<UInt16>, _ body: (Int, (packetID: UInt16, bitmask: UInt16)) -> Void
    ) -> Int {
        var count = 0
        var current: (packetID: UInt16, bitmask: UInt16)?
        for sequenceNumber in lost {
            if let pair = current {
                let distance = sequenceNumber &- pair.packetID
                if distance == 0 { continue }
                if distance <= 16 {
                    current = (pair.packetID, pair.bitmask | 1 << (distance &- 1))
                    continue
                }
                body(count, pair)
                count &+= 1
            }
            current = (sequenceNumber, 0)
        }
        if let pair = current {
            body(count, pair)
            count &+= 1
        }
        return count
    }
}

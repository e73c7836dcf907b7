// RFC 3550 §6.1: a compound RTCP datagram is a plain concatenation of packets, each framed by
// its own length field. RFC 5506 reduced-size RTCP (feedback without a leading report) is
// accepted too, so the first packet's type is not enforced.

/// Walks the packets of a compound RTCP datagram without allocating.
///
/// ```swift
/// var packets = RTCPCompoundIterator(datagram)
/// while let packet = try packets.next() { switch packet { … } }
/// ```
///
/// After an error the iterator is finished; packets already returned stay valid.
public struct RTCPCompoundIterator {
    /// The datagram.
    public let bytes: UnsafeRawBufferPointer
    /// Offset of the next packet.
    public private(set) var offset = 0

    /// Iterates the packets of `bytes`.
    public init(_ bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    /// The next packet, nil at the end, or the reason the next packet is malformed.
    public mutating func next() throws(RTCPParseError) -> RTCPPacket? {
        guard offset < bytes.count else { return nil }
        let rest = bytes.slice(offset, bytes.count &- offset)
        do {
            let header = try RTCPHeader(parsing: rest)
            let packet = try RTCPPacket(parsing: rest)
            offset &+= header.length
            return packet
        } catch {
            offset = bytes.count
            throw error
        }
    }
}

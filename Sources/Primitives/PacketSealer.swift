/// What a sealer does to a datagram: SRTP or SRTCP protection.
public enum SealedPacketKind: UInt8, Sendable {
    case rtp
    case rtcp
}

/// Finishes an outgoing datagram in place just before it leaves (SRTP protection), and names the
/// media thread ("lane") that does it and sends the datagram.
///
/// The engine writes a receiver's packets in the clear and leaves the sealing to the queue: with
/// one lane it happens at once, as before; with several, the datagram crosses to its lane's
/// thread first, so encryption and the send system call run on the core that owns the receiver.
/// One sealer belongs to one peer and is only ever used by its lane's thread once handed over.
public protocol PacketSealer: AnyObject {
    /// The media thread that seals and sends this peer's datagrams (0: the receiving thread).
    var lane: Int { get }
    /// Seals `length` bytes at `datagram` (room for `capacity`); returns the sealed length, or 0
    /// when sealing failed and the datagram must be dropped.
    func seal(_ datagram: UnsafeMutableRawPointer, length: Int, capacity: Int, as kind: SealedPacketKind) -> Int
    /// The length `seal` will give a datagram of `length` bytes (what goes on the wire, for
    /// counters and send-side bandwidth estimation before the sealing happens).
    func sealedLength(_ length: Int, as kind: SealedPacketKind) -> Int
}

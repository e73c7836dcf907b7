/// What a sealer does to a datagram: SRTP or SRTCP protection.
public enum SealedPacketKind: UInt8, Sendable {
    case rtp
    case rtcp
}

/// Finishes an outgoing datagram in place as it is queued (SRTP protection). One sealer belongs
/// to one peer; the engine uses it only from the media thread that owns the peer, or from the
/// receiving thread while no fan-out runs.
public protocol PacketSealer: AnyObject {
    /// Seals `length` bytes at `datagram` (room for `capacity`); returns the sealed length, or 0
    /// when sealing failed and the datagram must be dropped.
    func seal(_ datagram: UnsafeMutableRawPointer, length: Int, capacity: Int, as kind: SealedPacketKind) -> Int
}

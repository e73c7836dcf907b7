/// One of a receiver's SSRC slots (SSRC rewriting, docs/colibri2.md §5.5): a pair of bridge-chosen
/// SSRCs that carries one sender source at a time. The SSRCs are fixed for the slot's lifetime,
/// so when the slot changes source the client only moves the existing track to the new owner.
public struct SSRCSlot: Sendable, Equatable {
    /// The slot's position in its table, stable for the table's lifetime.
    public let index: Int
    /// The SSRC media is sent on.
    public let primarySSRC: UInt32
    /// The SSRC retransmissions are sent on (video); nil for audio slots.
    public let rtxSSRC: UInt32?
    /// The key of the source the slot carries now, or nil when it was released.
    public internal(set) var key: Int?
    /// The table's use counter when the slot was last assigned or touched; the smallest among
    /// occupied slots is the least recently used.
    public internal(set) var lastUse: UInt64

    /// Whether `ssrc` is one of this slot's SSRCs.
    @inline(__always)
    public func owns(_ ssrc: UInt32) -> Bool {
        primarySSRC == ssrc || rtxSSRC == ssrc
    }
}

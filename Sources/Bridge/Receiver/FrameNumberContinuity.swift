/// Keeps the AV1 dependency descriptor's `frame_number` of one outgoing stream counting on when the
/// incoming stream changes (a slot reused for another source): the receiver identifies frames by
/// it, and a jump back would make it take the new key frame for an old frame. Within one incoming
/// stream the numbers pass unchanged, gaps included, since frame diffs refer to them.
struct FrameNumberContinuity: Sendable {
    private var delta: UInt16 = 0
    private var lastOutgoing: UInt16 = 0
    private var started = false

    /// A new incoming stream starts with frame `number`; the first stream ever keeps its numbers.
    mutating func begin(incoming number: UInt16) {
        delta = started ? (lastOutgoing &+ 1) &- number : 0
        if !started { lastOutgoing = number &- 1 }
        started = true
    }

    /// The outgoing number of incoming frame `number` of the current stream.
    @inline(__always)
    mutating func forward(_ number: UInt16) -> UInt16 {
        let outgoing = number &+ delta
        if RTPStreamProjection.isNewer(outgoing, than: lastOutgoing) { lastOutgoing = outgoing }
        return outgoing
    }
}

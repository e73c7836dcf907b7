// The last frames a VP8PictureContinuity numbered, forwarded or dropped, so packets that arrive late
// (reordered, or retransmitted from the packet cache after a NACK) get the same outgoing PictureID as
// the rest of their frame, and a late frame lost in between fits into its own gap. Fixed size, no
// allocation.

struct VP8ForwardedFrameHistory: Sendable {
    /// About a second of 30 fps video: older packets are not worth forwarding.
    static let capacity = 32

    /// Incoming PictureIDs, as sent.
    private var incoming = InlineArray<32, UInt16>(repeating: 0)
    /// For a forwarded frame its outgoing PictureID; for a dropped one the last ID used before it.
    private var outgoing = InlineArray<32, UInt16>(repeating: 0)
    private var forwarded = InlineArray<32, Bool>(repeating: false)
    private var count = 0
    private var next = 0

    mutating func removeAll() {
        count = 0
        next = 0
    }

    /// Records a new frame, replacing the oldest when full.
    mutating func append(incoming pictureID: UInt16, outgoing projected: UInt16, forwarded wasForwarded: Bool) {
        incoming[next] = pictureID
        outgoing[next] = projected
        forwarded[next] = wasForwarded
        next = (next &+ 1) % Self.capacity
        count = min(count &+ 1, Self.capacity)
    }

    /// The outgoing PictureID of the frame with incoming `pictureID` (compared modulo `modulus`):
    /// the one it was given if it was forwarded; for a frame never seen (lost, now arriving late), the
    /// ID at its distance from the closest earlier recorded frame, if that ID is still free. Nil for a
    /// frame dropped on purpose, one older than the history, or one whose place is taken.
    func place(_ pictureID: UInt16, modulus: UInt16) -> UInt16? {
        var before: (distance: Int, outgoing: UInt16)?
        var after: (distance: Int, outgoing: UInt16, forwarded: Bool)?
        for index in 0..<count {
            let distance = VP8PictureContinuity.distance(from: incoming[index], to: pictureID, modulus: modulus)
            if distance == 0 { return forwarded[index] ? outgoing[index] : nil }
            if distance > 0, before.map({ distance < $0.distance }) ?? true {
                before = (distance, outgoing[index])
            } else if distance < 0, after.map({ -distance < $0.distance }) ?? true {
                after = (-distance, outgoing[index], forwarded[index])
            }
        }
        guard let before, let after else { return nil }
        let candidate = (before.outgoing &+ UInt16(truncatingIfNeeded: before.distance)) & 0x7FFF
        let room = VP8PictureContinuity.distance(from: candidate, to: after.outgoing, modulus: 0x8000)
        // A forwarded frame after it holds its own ID; a dropped one holds the last ID used before it.
        return room > 0 || (room == 0 && !after.forwarded) ? candidate : nil
    }
}

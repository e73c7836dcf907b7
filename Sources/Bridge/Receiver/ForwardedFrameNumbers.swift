/// The frame numbers (AV1 dependency descriptor `frame_number`) most recently forwarded to one
/// receiver, to tell whether a frame's references all reached it: only then may a decode-target
/// switch start at that frame.
///
/// A fixed ring: recording allocates nothing. 64 frames cover more than a second of an L3T3 stream
/// at 30 fps, far beyond the reference distances browsers' SVC modes use (at most one T0 period).
struct ForwardedFrameNumbers: Sendable {
    static let capacity = 64
    private var numbers = InlineArray<64, UInt16>(repeating: 0)
    private var count = 0
    private var next = 0

    /// Notes that frame `number` was forwarded.
    @inline(__always)
    mutating func insert(_ number: UInt16) {
        numbers[next] = number
        next = (next &+ 1) & (Self.capacity - 1)
        if count < Self.capacity { count &+= 1 }
    }

    /// Whether frame `number` is among the recently forwarded ones.
    @inline(__always)
    func contains(_ number: UInt16) -> Bool {
        for index in 0..<count where numbers[index] == number { return true }
        return false
    }

    /// Forgets everything, as for a new stream.
    mutating func removeAll() {
        count = 0
        next = 0
    }
}

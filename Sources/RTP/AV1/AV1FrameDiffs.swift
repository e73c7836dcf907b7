// The frame diffs (fdiffs) of one frame or template: how far back, in frame_number, each frame it
// refers to is. The syntax puts no bound on how many there are; an AV1 frame refers to at most 7
// reference frames (REFS_PER_FRAME), so 16 leaves room for any real encoder while keeping the
// storage fixed and the parse free of allocation. More than 16 is refused as malformed.

/// Up to 16 frame diffs, each 1–4096 (a custom fdiff is at most 12 bits plus one; a template's at
/// most 4 bits plus one). The referred frame is `frame_number - diff`, modulo 2^16.
public struct AV1FrameDiffs: Sendable, Equatable, CustomStringConvertible {
    /// The most frame diffs a frame or template may carry here.
    public static let capacity = 16
    /// The largest frame diff the wire can carry (a 12-bit fdiff_minus_one plus one).
    public static let maximumDiff: UInt16 = 4096

    private var storage = InlineArray<16, UInt16>(repeating: 0)
    /// How many diffs there are (0 for a frame that refers to no other, such as a key frame).
    public private(set) var count = 0

    /// No diffs.
    public init() {}

    /// The diffs in order; nil when there are more than 16 or one is outside 1–4096.
    public init?(_ diffs: some Sequence<UInt16>) {
        // Built in a local and assigned once: Swift 6.3.1 at -O loses the writes a failable
        // initializer makes to `self` in a loop that can return nil, when `self` holds an InlineArray
        // (the value came back empty).
        var built = AV1FrameDiffs()
        for diff in diffs {
            guard diff >= 1 && diff <= Self.maximumDiff, built.append(diff) else { return nil }
        }
        self = built
    }

    /// Diff `index` (0 ..< count).
    public subscript(index: Int) -> UInt16 {
        precondition(index >= 0 && index < count, "frame diff out of range")
        return storage[index]
    }

    /// Adds `diff` at the end; false (and nothing added) when already full.
    @inline(__always)
    mutating func append(_ diff: UInt16) -> Bool {
        guard count < Self.capacity else { return false }
        storage[count] = diff
        count &+= 1
        return true
    }

    /// The diffs as an array (allocates; for tests and logs).
    public var values: [UInt16] { (0..<count).map { storage[$0] } }

    public var description: String { values.description }

    public static func == (lhs: AV1FrameDiffs, rhs: AV1FrameDiffs) -> Bool {
        guard lhs.count == rhs.count else { return false }
        for index in 0..<lhs.count where lhs.storage[index] != rhs.storage[index] { return false }
        return true
    }
}

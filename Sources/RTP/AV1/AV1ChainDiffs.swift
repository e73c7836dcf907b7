// The chain diffs (frame_chain_fdiff) of one frame or template, one per chain. chain_cnt is at
// most the number of decode targets, so 32 entries cover every structure.

/// One diff per chain: how far back, in frame_number, the previous frame of that chain is (0: the
/// chain needs no earlier frame). A template carries 0–15, a frame's custom values 0–255.
public struct AV1ChainDiffs: Sendable, Equatable, CustomStringConvertible {
    /// The most chains a structure can declare (one per decode target at most).
    public static let capacity = 32

    private var storage = InlineArray<32, UInt8>(repeating: 0)
    /// The number of chains.
    public private(set) var count = 0

    /// No chains.
    public init() {}

    /// `count` chains, all with diff 0.
    init(count: Int) {
        precondition(count >= 0 && count <= Self.capacity, "at most 32 chains")
        self.count = count
    }

    /// The diffs in chain order; nil for more than 32.
    public init?(_ diffs: some Sequence<UInt8>) {
        // Built in a local and assigned once, as in AV1FrameDiffs.init?(_:) (a Swift 6.3.1 -O bug).
        var built = AV1ChainDiffs()
        for diff in diffs {
            guard built.count < Self.capacity else { return nil }
            built.storage[built.count] = diff
            built.count += 1
        }
        self = built
    }

    /// The diff of chain `index` (0 ..< count).
    public subscript(index: Int) -> UInt8 {
        get {
            precondition(index >= 0 && index < count, "chain out of range")
            return storage[index]
        }
        set {
            precondition(index >= 0 && index < count, "chain out of range")
            storage[index] = newValue
        }
    }

    /// The diffs as an array (allocates; for tests and logs).
    public var values: [UInt8] { (0..<count).map { storage[$0] } }

    public var description: String { values.description }

    public static func == (lhs: AV1ChainDiffs, rhs: AV1ChainDiffs) -> Bool {
        guard lhs.count == rhs.count else { return false }
        for index in 0..<lhs.count where lhs.storage[index] != rhs.storage[index] { return false }
        return true
    }
}

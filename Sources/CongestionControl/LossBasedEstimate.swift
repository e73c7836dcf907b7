// draft-ietf-rmcat-gcc-02 §6 (loss-based control). Random loss of a few percent is normal on
// wireless links and says nothing about capacity, so the loss-based bound only holds between
// 2 % and 10 % and cuts only above 10 %, in proportion to the loss.
public import Primitives

/// An upper bound on the rate from the fraction of packets lost, judged over windows of at least
/// `windowPackets` packets (or one second) so a single unlucky feedback interval does not count.
public struct LossBasedEstimate: Sendable {
    /// Loss below this lets the bound grow.
    public static let growthLossLimit = 0.02
    /// Loss above this cuts the bound.
    public static let decreaseLossLimit = 0.10
    /// How fast the bound recovers after a cut, per second.
    public static let growthPerSecond = 0.08
    /// A loss cut keeps at least this fraction of the acknowledged rate (as the delay-based
    /// controller's decrease does).
    public static let acknowledgedFloor = 0.85

    /// The bound, bit/s.
    public private(set) var bitsPerSecond: Double
    /// The loss fraction of the last complete window.
    public private(set) var lossFraction = 0.0
    /// Packets a window needs before it is judged (unless a second has passed).
    public let windowPackets: Int
    private let minimumBitsPerSecond: Double
    private var lost = 0
    private var total = 0
    private var windowStart: Instant?
    private var lastJudgement: Instant?
    private var lastDecrease: Instant?

    /// A bound starting at `initialBitsPerSecond`.
    public init(initialBitsPerSecond: Double, minimumBitsPerSecond: Double = 30_000, windowPackets: Int = 100) {
        bitsPerSecond = initialBitsPerSecond
        self.minimumBitsPerSecond = minimumBitsPerSecond
        self.windowPackets = max(1, windowPackets)
    }

    /// Adds the counts of one feedback message. `delayBasedBitsPerSecond` caps the bound: the
    /// loss-based part only ever restrains the delay-based one, and must not store up headroom
    /// that a later loss cut would then fail to take away. `roundTripMilliseconds` spaces cuts.
    @discardableResult
    public mutating func update(
        lost newlyLost: Int, received: Int, delayBasedBitsPerSecond: Double, acknowledgedBitsPerSecond: Double? = nil,
        roundTripMilliseconds: Double = 100, now: Instant
    ) -> Double {
        lost += newlyLost
        total += newlyLost + received
        let start = windowStart ?? now
        windowStart = start
        // At low rates a packet count takes too long to gather; a second with a handful of
        // packets is judged then (its fraction is coarse, but the bands are wide).
        let windowFull = total >= windowPackets || (total >= 10 && now.milliseconds(since: start) >= 1_000)
        guard windowFull else { return bitsPerSecond }
        lossFraction = Double(lost) / Double(total)
        let seconds = lastJudgement.map { min(Double(now.nanoseconds(since: $0)) / 1e9, 3) } ?? 0
        lastJudgement = now
        lost = 0
        total = 0
        windowStart = now
        bitsPerSecond = min(bitsPerSecond, delayBasedBitsPerSecond)
        if lossFraction < Self.growthLossLimit {
            let grown = bitsPerSecond * compoundGrowthFactor(fractionPerSecond: Self.growthPerSecond, seconds: seconds)
            bitsPerSecond = min(grown + 1_000, delayBasedBitsPerSecond)
        } else if lossFraction > Self.decreaseLossLimit {
            // One cut per 300 ms plus a round trip: the losses counted until the previous cut shows
            // its effect belong to the rate before it, and cutting for them again would compound.
            let roundTrip = roundTripMilliseconds.isFinite ? min(max(roundTripMilliseconds, 0), 10_000) : 0
            let interval = 300 + Int64(roundTrip)
            if lastDecrease.map({ now.milliseconds(since: $0) >= interval }) ?? true {
                var cut = bitsPerSecond * (1 - 0.5 * lossFraction)
                // Loss from an overflowing queue: what got through is the link's rate. Cutting
                // far below it starves the receiver for the seconds regrowth takes (seen on a
                // 300 kbit/s link: 299 → 132 → 81 kbit/s, on losses of packets sent before the
                // first cut took effect).
                if let acknowledged = acknowledgedBitsPerSecond {
                    cut = max(cut, min(bitsPerSecond, Self.acknowledgedFloor * acknowledged))
                }
                bitsPerSecond = cut
                lastDecrease = now
            }
        }
        bitsPerSecond = max(bitsPerSecond, minimumBitsPerSecond)
        return bitsPerSecond
    }

    /// A probe measured the link at `rate`: unless loss is heavy, the bound rises with it.
    public mutating func raise(to rate: Double) {
        guard lossFraction <= Self.decreaseLossLimit else { return }
        bitsPerSecond = max(bitsPerSecond, rate)
    }
}

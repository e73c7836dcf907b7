// draft-ietf-rmcat-gcc-02 §5.5 (rate controller): a three-state machine driven by the overuse
// detector. Decreases are multiplicative on what actually got through, so one decrease lands just
// below the bottleneck; increases are multiplicative far from the last congestion point and
// additive near it.
public import Primitives

/// The delay-based rate: additive-increase / multiplicative-decrease driven by `BandwidthUsage`.
public struct AIMDRateController: Sendable {
    /// Limits and gains of the controller.
    public struct Configuration: Sendable {
        /// The rate before any feedback; JVB's GoogleCc2 starts at 2.5 Mbit/s.
        public var initialBitsPerSecond: Double = 2_500_000
        /// Never estimate below this: a floor that still carries audio, so a receiver whose
        /// estimate collapsed keeps sending feedback to grow it back (JVB's `google-cc.min-bw`).
        public var minimumBitsPerSecond: Double = 30_000
        /// Never estimate above this; more than any allocation of a conference needs (JVB's
        /// `google-cc.max-bw`).
        public var maximumBitsPerSecond: Double = 20_000_000
        /// On overuse, the new rate is this fraction of the acknowledged throughput.
        public var decreaseFactor: Double = 0.85
        /// Far from the last congestion point, the rate grows by this fraction per second.
        public var multiplicativeIncreasePerSecond: Double = 0.08
        /// The controller never runs ahead of what the receiver acknowledged by more than this
        /// factor (plus 10 kbit/s): when the sender does not fill the estimate, growing it would
        /// only produce an untested number that a later burst would find false.
        public var applicationLimitFactor: Double = 1.5

        /// The defaults above.
        public init() {}
    }

    private enum Phase { case hold, increase, decrease }

    /// The configuration in force.
    public let configuration: Configuration
    /// The delay-based estimate, bit/s.
    public private(set) var bitsPerSecond: Double
    private var phase = Phase.increase
    private var lastUpdate: Instant?
    private var lastDecrease: Instant?
    private var linkCapacity = LinkCapacityTracker()

    /// A controller at `configuration.initialBitsPerSecond`.
    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
        bitsPerSecond = min(
            max(configuration.initialBitsPerSecond, configuration.minimumBitsPerSecond),
            configuration.maximumBitsPerSecond)
    }

    /// Whether the rate is near the last congestion point (and so grows additively).
    public var isNearCongestionPoint: Bool { linkCapacity.isKnown }

    /// Applies one detector signal and returns the new rate. `acknowledgedBitsPerSecond` is the
    /// receiver's measured throughput (nil until known); `roundTripMilliseconds` paces decreases
    /// (one per round trip, since the effect of a decrease shows only a round trip later) and
    /// sizes the additive step.
    @discardableResult
    public mutating func update(
        usage: BandwidthUsage, acknowledgedBitsPerSecond acknowledged: Double?, roundTripMilliseconds: Double,
        now: Instant
    ) -> Double {
        defer { lastUpdate = now }
        switch usage {
        case .overusing: phase = .decrease
        case .underusing: phase = .hold
        case .normal: if phase == .hold { phase = .increase }
        }
        switch phase {
        case .hold: break
        case .increase: increase(acknowledged: acknowledged, roundTripMilliseconds: roundTripMilliseconds, now: now)
        case .decrease: decrease(acknowledged: acknowledged, roundTripMilliseconds: roundTripMilliseconds, now: now)
        }
        bitsPerSecond = min(max(bitsPerSecond, configuration.minimumBitsPerSecond), configuration.maximumBitsPerSecond)
        return bitsPerSecond
    }

    private mutating func increase(acknowledged: Double?, roundTripMilliseconds: Double, now: Instant) {
        if let acknowledged, let upper = linkCapacity.upperBoundBitsPerSecond, acknowledged > upper {
            linkCapacity.reset()
        }
        let seconds = lastUpdate.map { min(Double(now.nanoseconds(since: $0)) / 1e9, 1) } ?? 0
        let step: Double
        if linkCapacity.isKnown {
            // About one packet more per response time (a round trip plus the feedback interval),
            // the gentlest step that still probes within a few seconds.
            let responseSeconds = (roundTripMilliseconds + 100) / 1000
            let packetBits = 1200.0 * 8
            step = max(4_000, packetBits / responseSeconds) * seconds
        } else {
            let factor = compoundGrowthFactor(
                fractionPerSecond: configuration.multiplicativeIncreasePerSecond, seconds: seconds)
            step = max(bitsPerSecond * (factor - 1), 1_000 * seconds)
        }
        var target = bitsPerSecond + step
        if let acknowledged {
            let ceiling = configuration.applicationLimitFactor * acknowledged + 10_000
            // Application limited: do not grow past the ceiling, but never cut the rate for it.
            target = bitsPerSecond > ceiling ? bitsPerSecond : min(target, ceiling)
        }
        bitsPerSecond = target
    }

    private mutating func decrease(acknowledged: Double?, roundTripMilliseconds: Double, now: Instant) {
        let interval = min(max(roundTripMilliseconds, 10), 200)
        if let last = lastDecrease, Double(now.milliseconds(since: last)) < interval { return }
        let basis = acknowledged ?? bitsPerSecond
        if let lower = linkCapacity.lowerBoundBitsPerSecond, basis < lower { linkCapacity.reset() }
        bitsPerSecond = min(configuration.decreaseFactor * basis, bitsPerSecond)
        linkCapacity.recordCongestion(atBitsPerSecond: basis)
        lastDecrease = now
        phase = .hold
    }

    /// A probe measured the link at `rate`: an estimate below it jumps there, as the probe showed
    /// the link carries it. A congestion point remembered below the probe no longer holds.
    public mutating func raise(to rate: Double, now: Instant) {
        guard rate > bitsPerSecond else { return }
        if let upper = linkCapacity.upperBoundBitsPerSecond, rate > upper { linkCapacity.reset() }
        bitsPerSecond = min(rate, configuration.maximumBitsPerSecond)
        lastUpdate = now
    }
}

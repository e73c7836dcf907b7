// draft-ietf-rmcat-gcc-02 §5.4 (over-use detector) and §5.5 (adaptive threshold). The trend is
// compared with a threshold that itself follows the trend: a fixed threshold would either starve
// against loss-based TCP flows (too low) or react late (too high), as the draft explains.

/// Turns the delay slope into a `BandwidthUsage` signal with the draft's hysteresis: overuse is
/// only declared after the trend stayed above the threshold for `overuseTimeMilliseconds` and
/// more than one update, and while it is not falling.
public struct OveruseDetector: Sendable {
    /// The draft's gains for the threshold: it rises slowly (k_u) when the trend exceeds it and
    /// falls faster (k_d) when the trend is below, so a lasting larger jitter raises it for good.
    private let riseGain = 0.0087
    private let fallGain = 0.039
    /// The slope is scaled by this and by the number of samples (capped) to be comparable with
    /// a threshold in milliseconds.
    private let slopeGain = 4.0
    private let sampleCap = 60
    /// Trends this far beyond the threshold are spikes (a route change, a paused sender) and are
    /// kept out of the threshold's adaptation.
    private let maximumAdaptationOffset = 15.0
    /// How long the trend must stay above the threshold before overuse is declared.
    public let overuseTimeMilliseconds = 10.0

    /// The current adaptive threshold, kept between 6 and 600 as the draft suggests.
    public private(set) var threshold = 12.5
    /// The latest signal.
    public private(set) var usage: BandwidthUsage = .normal
    private var timeOverusing = -1.0
    private var overuseCount = 0
    private var previousSlope = 0.0
    private var lastUpdateMilliseconds: Double?

    /// A detector in the normal state with the draft's initial threshold of 12.5 ms.
    public init() {}

    /// Judges one slope from the trendline; `sendDeltaMilliseconds` is the send spacing of the
    /// group that produced it, so that time over the threshold is counted in sender time.
    @discardableResult
    public mutating func update(
        slope: Double, sampleCount: Int, sendDeltaMilliseconds: Double, atMilliseconds now: Double
    ) -> BandwidthUsage {
        let modifiedTrend = Double(min(sampleCount, sampleCap)) * slope * slopeGain
        if modifiedTrend > threshold {
            // Half the first interval: the crossing happened somewhere inside it.
            timeOverusing = timeOverusing < 0 ? sendDeltaMilliseconds / 2 : timeOverusing + sendDeltaMilliseconds
            overuseCount += 1
            if timeOverusing > overuseTimeMilliseconds, overuseCount > 1, slope >= previousSlope {
                timeOverusing = 0
                overuseCount = 0
                usage = .overusing
            }
        } else if modifiedTrend < -threshold {
            timeOverusing = -1
            overuseCount = 0
            usage = .underusing
        } else {
            timeOverusing = -1
            overuseCount = 0
            usage = .normal
        }
        previousSlope = slope
        adaptThreshold(to: modifiedTrend, at: now)
        return usage
    }

    private mutating func adaptThreshold(to modifiedTrend: Double, at now: Double) {
        defer { lastUpdateMilliseconds = now }
        let last = lastUpdateMilliseconds ?? now
        let magnitude = abs(modifiedTrend)
        if magnitude > threshold + maximumAdaptationOffset { return }
        let gain = magnitude < threshold ? fallGain : riseGain
        // Long gaps (a paused stream) must not swing the threshold in one step.
        let elapsed = min(max(now - last, 0), 100)
        threshold += gain * (magnitude - threshold) * elapsed
        threshold = min(max(threshold, 6), 600)
    }
}

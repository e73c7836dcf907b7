// The delay-based chain both estimators share, up to its judgement (draft-ietf-rmcat-gcc-02
// §5.2-5.4): packets grouped by send time, the trend of the groups' one-way delay variation, and
// the adaptive-threshold detector's reading of that trend.
public import Primitives

/// Turns (send time, arrival) pairs into a `BandwidthUsage` signal. What feeds it differs: the
/// downlink reads send times from its own sent history and arrivals from transport-cc feedback,
/// the uplink reads both from abs-send-time and its socket.
public struct DelayBasedDetector: Sendable {
    private var grouper = SendTimeGrouper()
    private var trendline = TrendlineEstimator()
    private var detector = OveruseDetector()

    public init() {}

    /// The latest judgement of the path.
    public var usage: BandwidthUsage { detector.usage }

    /// Takes one packet that arrived, in send order (feedback order or arrival order: the grouper
    /// merges what overlaps).
    @inline(__always)
    public mutating func add(sendTime: Instant, arrival: Instant) {
        guard let delta = grouper.add(sendTime: sendTime, arrival: arrival) else { return }
        let slope = trendline.add(delta)
        detector.update(
            slope: slope, sampleCount: trendline.sampleCount, sendDeltaMilliseconds: delta.sendDeltaMilliseconds,
            atMilliseconds: delta.arrivalMilliseconds)
    }
}

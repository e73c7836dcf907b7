// One receiver's downlink as the bridge sees it through transport-cc feedback: the delay-based
// chain (send-time groups → trendline → overuse detector → AIMD) and the loss-based bound,
// combined as GoogCC combines them, by taking the lower.
public import Primitives

/// The bandwidth estimate for one receiver's link, fed with the results of each transport-cc
/// feedback message and the time it was handled. Plain state: no clock, no timers; the caller
/// decides when feedback is processed.
///
/// Application-limited senders (the bridge forwarding less than the estimate because the
/// selected layers are small) are handled by the rate controller's ceiling of 1.5 × the
/// acknowledged rate: the estimate may run ahead of what was tested by that much, not more.
public struct DownlinkEstimator: Sendable {
    /// The delay-based controller's configuration; its initial rate seeds the loss-based bound too.
    public let configuration: AIMDRateController.Configuration
    private var detector = DelayBasedDetector()
    private var rateController: AIMDRateController
    private var acknowledged = AcknowledgedBitrateEstimator()
    private var lossBased: LossBasedEstimate
    private var probes = ProbeBitrateEstimator()
    /// The newest probe cluster measured and its rate, for the `ProbeController`.
    public private(set) var lastProbeResult: (cluster: Int, bitsPerSecond: Double)?
    /// Smoothed round trip as seen through feedback (includes the feedback interval), ms.
    public private(set) var roundTripMilliseconds = 100.0

    /// An estimator at `configuration.initialBitsPerSecond` (2.5 Mbit/s by default).
    public init(configuration: AIMDRateController.Configuration = .init()) {
        self.configuration = configuration
        rateController = AIMDRateController(configuration: configuration)
        lossBased = LossBasedEstimate(
            initialBitsPerSecond: rateController.bitsPerSecond, minimumBitsPerSecond: configuration.minimumBitsPerSecond)
    }

    /// The estimate to allocate against, bit/s: the lower of the delay- and loss-based ones.
    public var bitsPerSecond: Double { min(rateController.bitsPerSecond, lossBased.bitsPerSecond) }
    /// The delay-based estimate alone, bit/s.
    public var delayBasedBitsPerSecond: Double { rateController.bitsPerSecond }
    /// The loss-based bound alone, bit/s.
    public var lossBasedBitsPerSecond: Double { lossBased.bitsPerSecond }
    /// The throughput the receiver acknowledged recently, bit/s.
    public var acknowledgedBitsPerSecond: Double? { acknowledged.bitsPerSecond }
    /// The detector's latest judgement of the path.
    public var usage: BandwidthUsage { detector.usage }
    /// The loss fraction of the last judged window.
    public var lossFraction: Double { lossBased.lossFraction }
    /// Whether the path reads as congested now: overused, or losing more than the loss-based
    /// bound tolerates. No time to probe.
    public var isCongested: Bool { detector.usage == .overusing || lossFraction > LossBasedEstimate.decreaseLossLimit }

    /// Takes the results of one feedback message (in the order feedback lists them, which is
    /// sequence order) handled at `now` on the bridge's clock, and returns the new estimate.
    @discardableResult
    public mutating func feed(results: some Sequence<PacketResult>, now: Instant) -> Double {
        var lost = 0
        var received = 0
        var newestSend: Instant?
        var probeResult: (cluster: Int, bitsPerSecond: Double)?
        for result in results {
            // The cluster's latest evaluation stands: a later loss can withdraw an earlier result.
            if result.probeCluster >= 0 { probeResult = probes.add(result).map { (result.probeCluster, $0) } }
            guard let arrival = result.arrival else {
                lost += 1
                continue
            }
            received += 1
            acknowledged.add(size: result.size, sendTime: result.sendTime, arrival: arrival)
            newestSend = max(newestSend ?? result.sendTime, result.sendTime)
            detector.add(sendTime: result.sendTime, arrival: arrival)
        }
        if let newestSend {
            // The newest packet acknowledged bounds the round trip from above (by the feedback
            // delay); smoothing keeps one late feedback from swinging it.
            let sample = Double(now.nanoseconds(since: newestSend)) / 1e6
            roundTripMilliseconds = 0.875 * roundTripMilliseconds + 0.125 * sample
        }
        guard lost + received > 0 else { return bitsPerSecond }
        let delayBased = rateController.update(
            usage: detector.usage, acknowledgedBitsPerSecond: acknowledged.controllingBitsPerSecond(for: detector.usage),
            roundTripMilliseconds: roundTripMilliseconds, now: now)
        lossBased.update(
            lost: lost, received: received, delayBasedBitsPerSecond: delayBased,
            acknowledgedBitsPerSecond: acknowledged.bottleneckBitsPerSecond, roundTripMilliseconds: roundTripMilliseconds,
            now: now)
        if let probeResult {
            lastProbeResult = probeResult
            // A probe that arrived while the path reads as overused measured a queue, not room.
            if detector.usage != .overusing {
                rateController.raise(to: probeResult.bitsPerSecond, now: now)
                lossBased.raise(to: probeResult.bitsPerSecond)
            }
        }
        return bitsPerSecond
    }
}

import Primitives

/// What allocation may spend on one receiver's video: the estimate of its downlink from its
/// transport-cc feedback (`Downlink`) less the audio sent to it, lowered further by an
/// `assumedBandwidthBps` the receiver sets (see `ReceiverConstraints.bandwidthBudget`).
///
/// Before the receiver's first feedback, for receivers that did not negotiate transport-cc, and
/// with `--no-trust-bwe` (`BridgeConfiguration.trustsBandwidthEstimate`), there is no estimate to spend: allocation is
/// then bounded by constraints and lastN only, as JVB's is with `videobridge.cc.trust-bwe = false`. A fixed figure in its place (JVB's 2.5 Mbit/s starting
/// estimate was tried) is no estimate of anything: two 720p cameras crossed it with every key
/// frame, and allocation flipped a source between 180p and 720p each second.
enum BandwidthBudget {
    static func estimateBps(for endpoint: Endpoint, trustsEstimate: Bool, now: Instant) -> Int {
        let receiver = endpoint.receiver
        let audio = receiver.downlink.readAudioRate(now: now)
        // At least 1 bit/s: 0 would read as the receiver's own "no video" (see VideoAllocator).
        let trusted = trustsEstimate ? receiver.downlink.estimateBps.map { max($0 - audio, 1) } : nil
        let estimate = trusted ?? AllocationParameters.unlimitedBandwidthBps
        return min(receiver.constraints.bandwidthBudget(estimatedBps: estimate, assumedBandwidthLimitBps: .max), estimate)
    }
}

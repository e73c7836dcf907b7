/// What allocation may spend on one receiver. The bridge does not estimate receivers' downlinks
/// yet (transport-cc feedback from receivers, GoogCC-style), so there is no estimate to trust:
/// allocation is bounded by the receiver's constraints and lastN only, as JVB's is with
/// `videobridge.cc.trust-bwe = false`. The estimator replaces this one place.
///
/// A fixed figure in its place (JVB's 2.5 Mbit/s starting estimate was tried) is no estimate of
/// anything: JVB probes past it within seconds, a constant never does. Two 720p cameras crossed it
/// with every key frame, and allocation flipped a source between 180p and 720p each second,
/// asking for a key frame at every flip.
enum BandwidthBudget {
    /// A receiver's `assumedBandwidthBps` is honoured without a limit (JVB needs
    /// `assumed-bandwidth-limit` configured; see `ReceiverConstraints.bandwidthBudget`).
    static func estimateBps(for endpoint: Endpoint) -> Int {
        endpoint.receiver.constraints.bandwidthBudget(estimatedBps: .max, assumedBandwidthLimitBps: .max)
    }
}

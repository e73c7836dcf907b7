/// What allocation may spend on one receiver. Until the bridge estimates each receiver's
/// downlink (transport-cc feedback from receivers), this is JVB's initial estimate for everyone;
/// the estimator replaces this one place.
enum BandwidthBudget {
    /// JVB's GoogleCc2 starting estimate.
    static let initialEstimateBps = 2_500_000

    /// A receiver's `assumedBandwidthBps` is honoured without a limit (JVB needs
    /// `assumed-bandwidth-limit` configured; see `ReceiverConstraints.bandwidthBudget`).
    static func estimateBps(for endpoint: Endpoint) -> Int {
        endpoint.receiver.constraints.bandwidthBudget(estimatedBps: initialEstimateBps, assumedBandwidthLimitBps: .max)
    }
}

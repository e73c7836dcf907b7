/// A receiver's frame-rate limit for one source as candidate layers are cut by it: soft like the
/// height limit (when every layer exceeds it, the slowest ones stay), and sticky for the temporal
/// layer the receiver is forwarded now (`AllocationParameters.forwardedFrameRateLimitTolerance`).
struct FrameRateLimit {
    let constraints: VideoConstraints
    /// The temporal layer the receiver gets now, if any.
    let forwardedTemporal: Int?

    /// Whether `layer` runs within the limit.
    func allows(_ layer: VideoLayer) -> Bool {
        constraints.allowsFrameRate(layer.frameRate, isForwarded: layer.temporal == forwardedTemporal)
    }

    /// `layers` within the limit, or the slowest of them when none is.
    func filter(_ layers: [VideoLayer]) -> [VideoLayer] {
        let within = layers.filter(allows)
        guard within.isEmpty, let slowest = layers.map(\.frameRate).min() else { return within }
        return layers.filter { $0.frameRate == slowest }
    }
}

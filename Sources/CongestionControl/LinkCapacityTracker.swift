// The rate at which the bridge last hit congestion is the best guess of where the bottleneck is.
// Near it the controller creeps up (additively) instead of compounding, so it does not overshoot
// the same queue again; once throughput clearly exceeds it the link must have grown, and the
// controller may compound again.

/// Averages the acknowledged throughput measured at each overuse, with its spread, to tell the
/// rate controller whether it is near the last congestion point.
struct LinkCapacityTracker: Sendable {
    /// Exponential average of throughput at congestion, in kbit/s; nil when unknown.
    private(set) var averageKbps: Double?
    /// Variance normalised by the average (kbit/s units), bounded so the band never collapses to
    /// nothing nor covers everything.
    private var normalizedVariance = 0.4
    private let smoothing = 0.05

    /// Three standard deviations, in kbit/s; about 4 % of 2 Mbit/s, 11 % of 300 kbit/s.
    private var band: Double {
        guard let average = averageKbps else { return 0 }
        return 3 * (normalizedVariance * average).squareRoot()
    }

    /// Whether the last congestion point is known.
    var isKnown: Bool { averageKbps != nil }

    /// The highest rate still considered "at the last congestion point", in bit/s.
    var upperBoundBitsPerSecond: Double? { averageKbps.map { ($0 + band) * 1000 } }
    /// The lowest rate still considered "at the last congestion point", in bit/s.
    var lowerBoundBitsPerSecond: Double? { averageKbps.map { max(0, $0 - band) * 1000 } }

    /// Records the throughput at an overuse.
    mutating func recordCongestion(atBitsPerSecond rate: Double) {
        let kbps = rate / 1000
        guard let average = averageKbps else {
            averageKbps = kbps
            return
        }
        let updated = (1 - smoothing) * average + smoothing * kbps
        let normalizer = max(updated, 1)
        normalizedVariance = (1 - smoothing) * normalizedVariance + smoothing * (updated - kbps) * (updated - kbps) / normalizer
        normalizedVariance = min(max(normalizedVariance, 0.4), 2.5)
        averageKbps = updated
    }

    /// Forgets the congestion point (the link changed).
    mutating func reset() {
        averageKbps = nil
        normalizedVariance = 0.4
    }
}

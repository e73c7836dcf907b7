import CongestionControl
import Primitives

/// The bridge's estimate of one sender's uplink, for a sender that negotiated REMB and not
/// transport-cc (jicofo offers REMB only then): without feedback of either kind such a sender never
/// leaves its start bitrate. Its packets' abs-send-time against their arrival here feed a
/// receive-side `UplinkEstimator`; a REMB goes out every second, and at once when the estimate
/// falls by 3 % or more, since a sender overrunning its uplink should hear it within a round trip.
struct RembReporter {
    /// How often the estimator is run (its detector wants a steady cadence, not one per packet).
    static let updateIntervalMilliseconds: Int64 = 100
    static let reportIntervalMilliseconds: Int64 = 1_000
    static let decreaseWorthReporting = 0.97

    private var estimator = UplinkEstimator()
    private var nextUpdateAt: Instant?
    private var nextReportAt: Instant?
    private var reportedBps: Double?

    /// The next instant `due(now:roundTripMilliseconds:)` has work, nil before the first packet.
    var nextDeadline: Instant? { nextUpdateAt }

    /// One packet's abs-send-time (the 24-bit value) and its arrival.
    @inline(__always)
    mutating func note(absSendTime: UInt32, arrival: Instant, size: Int) {
        estimator.add(absSendTime: absSendTime, arrival: arrival, size: size)
        if nextUpdateAt == nil { nextUpdateAt = arrival.adding(milliseconds: Self.updateIntervalMilliseconds) }
    }

    /// Runs the estimator when due; returns the bitrate to report, if a REMB should go out now.
    mutating func due(now: Instant, roundTripMilliseconds: Double) -> UInt64? {
        guard let update = nextUpdateAt, update <= now else { return nil }
        nextUpdateAt = now.adding(milliseconds: Self.updateIntervalMilliseconds)
        let estimate = estimator.update(now: now, roundTripMilliseconds: roundTripMilliseconds)
        let fell = reportedBps.map { estimate <= $0 * Self.decreaseWorthReporting } ?? false
        guard fell || nextReportAt.map({ $0 <= now }) ?? true else { return nil }
        nextReportAt = now.adding(milliseconds: Self.reportIntervalMilliseconds)
        reportedBps = estimate
        return UInt64(max(estimate, 0))
    }
}

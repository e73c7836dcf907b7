// Probing on padding: when the layers a receiver is forwarded use less than its link may carry,
// the estimate cannot rise past what they use (the rate controller's application-limited
// ceiling), and a receiver that dropped to a low layer after a dip would stay there. Padding
// packets fill the gap so the link is tested at the rate allocation would like to spend.
public import Primitives

/// Spreads padding over time: how many bytes are due at each tick, at the fill rate set after
/// allocation, or during a probe cluster at the cluster's rate in 2 ms steps (those bytes belong
/// to the cluster). Plain state: the caller asks at `nextDeadline`.
public struct PaddingPacer: Sendable {
    /// How often padding goes out while there is a rate: small bursts, no queue build-up.
    public static let intervalMilliseconds: Int64 = 20
    /// Padding never exceeds this, whatever the gap: probing finds more within seconds anyway.
    public static let maximumBitsPerSecond = 5_000_000.0
    /// Below this a gap is not worth probing (a few padding packets a second).
    public static let minimumBitsPerSecond = 20_000.0

    /// A cluster is paced in steps this short, so its packets spread over its duration.
    public static let clusterIntervalMilliseconds: Int64 = 2

    public private(set) var bitsPerSecond = 0.0
    private var lastTick: Instant?
    private var owedBytes = 0.0
    private var cluster: (id: Int, bitsPerSecond: Double, started: Instant, until: Instant)?
    private var lastClusterTick: Instant?
    private var clusterOwedBytes = 0.0

    public init() {}

    /// Sets the padding rate, bit/s; 0 (or below the minimum) stops padding.
    public mutating func setRate(_ rate: Double, now: Instant) {
        let clamped = min(max(rate, 0), Self.maximumBitsPerSecond)
        let newRate = clamped < Self.minimumBitsPerSecond ? 0 : clamped
        if newRate > 0, bitsPerSecond == 0 { lastTick = now }
        if newRate == 0 {
            lastTick = nil
            owedBytes = 0
        }
        bitsPerSecond = newRate
    }

    /// When padding is next due; nil while there is no rate and no cluster.
    public var nextDeadline: Instant? {
        if let cluster { return (lastClusterTick ?? cluster.started).adding(milliseconds: Self.clusterIntervalMilliseconds) }
        return lastTick?.adding(milliseconds: Self.intervalMilliseconds)
    }

    /// Starts sending `probe` now (a cluster still running is cut short).
    public mutating func startCluster(_ probe: ProbeController.Cluster, now: Instant) {
        cluster = (probe.id, probe.bitsPerSecond, now, now.adding(milliseconds: probe.durationMilliseconds))
        lastClusterTick = nil
        // The first step (2 ms on) owes one step's bytes; the steps after it accrue by the clock.
        clusterOwedBytes = probe.bitsPerSecond * Double(Self.clusterIntervalMilliseconds) / 8000
    }

    /// Bytes due now and the probe cluster they belong to (-1: fill padding). During a cluster
    /// only the cluster is paced; fill padding resumes after it.
    public mutating func due(now: Instant) -> (bytes: Int, cluster: Int) {
        if let current = cluster {
            if let last = lastClusterTick, now > last {
                let end = min(now, current.until)
                if end > last { clusterOwedBytes += current.bitsPerSecond * Double(end.nanoseconds(since: last)) / 8e9 }
            }
            lastClusterTick = now
            if now >= current.until { cluster = nil }
            let bytes = Int(clusterOwedBytes)
            clusterOwedBytes -= Double(bytes)
            if cluster == nil {
                clusterOwedBytes = 0
                lastClusterTick = nil
                if lastTick != nil { lastTick = now }
            }
            return (bytes, current.id)
        }
        return (bytesDue(now: now), -1)
    }

    /// Bytes of padding to send now. At most two intervals' worth accumulates, so a late tick
    /// never turns into a burst.
    public mutating func bytesDue(now: Instant) -> Int {
        guard let last = lastTick, bitsPerSecond > 0, now > last else { return 0 }
        let seconds = min(Double(now.nanoseconds(since: last)) / 1e9, 2 * Double(Self.intervalMilliseconds) / 1000)
        lastTick = now
        owedBytes += bitsPerSecond * seconds / 8
        let due = Int(owedBytes)
        owedBytes -= Double(due)
        return due
    }

    /// Bytes sent beyond what was due (whole packets) are taken off the next tick.
    public mutating func noteSent(extraBytes: Int) { owedBytes -= Double(extraBytes) }

    /// The padding rate a receiver needs: the gap between what its forwarded layers use
    /// (`targetBitsPerSecond`) and the lower of what it would like (`idealBitsPerSecond`) and what
    /// its link is estimated to carry. Padding up to the estimate lets the estimate grow; padding
    /// past the ideal would test a rate nobody wants.
    public static func rate(estimate: Double, target: Double, ideal: Double) -> Double {
        max(0, min(ideal, estimate) - target)
    }
}

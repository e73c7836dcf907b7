// When to probe. The bridge knows what each receiver would like (its allocation's ideal); when
// that is more than the estimate, only a probe can show whether the link takes it. A probe that
// comes back at its full rate is followed at once by one twice as fast (the estimate doubles
// per round trip, as at a call's start); one that comes back slower has found the link's limit,
// and the next waits a while.
public import Primitives

/// Decides probe clusters for one receiver's link. Plain state: `plan` after each feedback or
/// allocation, `noteResult` with what the estimator measured.
public struct ProbeController: Sendable {
    /// A burst of padding at `bitsPerSecond` for `durationMilliseconds`, at least `minimumPackets`.
    public struct Cluster: Sendable, Equatable {
        public var id: Int
        public var bitsPerSecond: Double
        public var durationMilliseconds: Int64
        public var minimumPackets: Int

        public init(id: Int, bitsPerSecond: Double, durationMilliseconds: Int64, minimumPackets: Int) {
            self.id = id
            self.bitsPerSecond = bitsPerSecond
            self.durationMilliseconds = durationMilliseconds
            self.minimumPackets = minimumPackets
        }
    }

    /// Long enough to measure, short enough not to hurt: libwebrtc's clusters are of this order.
    public static let clusterMilliseconds: Int64 = 20
    public static let clusterPackets = 5
    /// A cluster carries at least this much, however slow: token-bucket shapers let a burst of a
    /// packet or two through at line rate, and a 20 ms cluster at a few hundred kbit/s fits in
    /// that burst and measures nothing (seen: a 300 kbit/s HTB limit probed as 693 kbit/s).
    public static let clusterMinimumBytes = 6_000
    /// A probe no faster than this over the estimate is not worth sending.
    static let minimumGain = 1.1
    /// A result at this fraction of the probe's rate means the link took it (libwebrtc's threshold
    /// for probing on): a receiver short of CPU stamps a 20 ms cluster's arrivals with jitter
    /// that alone costs a free 2 Mbit/s link a fifth of a 1 Mbit/s probe's rate.
    static let successFraction = 0.7
    /// After a probe that found the limit: the next probe waits this long. libwebrtc probes an
    /// application-limited link every 5 s; a receiver switched down waits for the probe that
    /// finds its link grown, and 3 s bring it back within 10 s of the link's recovery at a cost
    /// of one 6 kB cluster per 3 s on a link that stays small.
    static let backoffMilliseconds: Int64 = 3_000
    /// A probe whose result never comes (all lost, or feedback lost) counts as failed after this.
    static let resultTimeoutMilliseconds: Int64 = 1_000
    /// The highest rate ever probed.
    public static let maximumBitsPerSecond = 20_000_000.0

    private var nextID = 0
    private var inFlight: (id: Int, bitsPerSecond: Double, sentAt: Instant)?
    private var nextAllowed: Instant?

    public init() {}

    /// The cluster to send now, if any: when `wanted` is clearly above `estimate`, the link is not
    /// `isCongested` (a probe into a full queue only adds loss, and measures the queue), no probe
    /// is waiting for its result, and the last one did not find the limit recently.
    public mutating func plan(estimate: Double, wanted: Double, isCongested: Bool = false, now: Instant) -> Cluster? {
        if let probe = inFlight {
            guard now.milliseconds(since: probe.sentAt) >= Self.resultTimeoutMilliseconds else { return nil }
            inFlight = nil
            nextAllowed = now.adding(milliseconds: Self.backoffMilliseconds)
        }
        guard !isCongested, wanted > estimate * Self.minimumGain else { return nil }
        if let nextAllowed, now < nextAllowed { return nil }
        let rate = min(max(2 * estimate, estimate + 100_000), wanted * Self.minimumGain, Self.maximumBitsPerSecond)
        guard rate > estimate * Self.minimumGain else { return nil }
        let bytesDuration = Int64((Double(Self.clusterMinimumBytes * 8) / rate * 1000).rounded(.up))
        let cluster = Cluster(
            id: nextID, bitsPerSecond: rate, durationMilliseconds: max(Self.clusterMilliseconds, bytesDuration),
            minimumPackets: Self.clusterPackets)
        nextID = (nextID + 1) & 0x3FFF
        inFlight = (cluster.id, rate, now)
        return cluster
    }

    /// What the estimator measured from a cluster. Only the probe in flight counts.
    public mutating func noteResult(cluster: Int, bitsPerSecond: Double, now: Instant) {
        guard let probe = inFlight, probe.id == cluster else { return }
        inFlight = nil
        nextAllowed = bitsPerSecond >= Self.successFraction * probe.bitsPerSecond
            ? nil : now.adding(milliseconds: Self.backoffMilliseconds)
    }
}

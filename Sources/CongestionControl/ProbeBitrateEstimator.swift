// A probe cluster is a short train of packets sent faster than the estimate. If the link has
// room, they arrive as fast as they left; if not, the bottleneck spreads them out. Comparing the
// rate they were sent at with the rate they arrived at measures the link directly, in one round
// trip, where the delay-based controller would need many seconds of gentle increases.
import Primitives

/// Turns the feedback on probe-cluster packets into a measured link rate.
///
/// Keeps a few clusters' tallies in a fixed table (a cluster's packets are resolved over one or
/// two feedback messages). A result needs `minimumPackets` of the cluster received.
public struct ProbeBitrateEstimator: Sendable {
    /// Received packets a cluster needs before it says anything (of the 5 or more sent).
    public static let minimumPackets = 4
    /// Below this ratio of arrival to send rate the link was saturated by the probe: the arrival
    /// rate is the link's, less a margin for the probe's own queueing.
    static let saturationRatio = 0.9
    static let saturatedUtilisation = 0.95
    /// A cluster that lost more than a fifth of its packets overflowed a queue: the survivors'
    /// spacing says more about which packets were dropped than about the link's rate (a 300
    /// kbit/s link "measured" 387 kbit/s that way).
    static let minimumReceivedFraction = 0.8
    static let slots = 4

    struct Tally: Sendable {
        var cluster = -1
        var count = 0
        var lost = 0
        var bytes = 0
        var firstSend = Instant.zero
        var lastSend = Instant.zero
        var lastSendSize = 0
        var firstArrival = Instant.zero
        var lastArrival = Instant.zero
        var firstArrivalSize = 0
    }

    private var tallies = [Tally](repeating: Tally(), count: slots)
    private var nextSlot = 0

    public init() {}

    /// Adds one received packet of a probe cluster; returns the cluster's measured rate, bit/s,
    /// once it has enough packets (and again, refined, with each later one).
    public mutating func add(_ result: PacketResult) -> Double? {
        guard result.probeCluster >= 0 else { return nil }
        let slot = slot(for: result.probeCluster)
        var tally = tallies[slot]
        guard let arrival = result.arrival else {
            tally.lost += 1
            tallies[slot] = tally
            return nil
        }
        if tally.count == 0 || result.sendTime < tally.firstSend {
            tally.firstSend = result.sendTime
        }
        if tally.count == 0 || result.sendTime >= tally.lastSend {
            tally.lastSend = result.sendTime
            tally.lastSendSize = result.size
        }
        if tally.count == 0 || arrival < tally.firstArrival {
            tally.firstArrival = arrival
            tally.firstArrivalSize = result.size
        }
        if tally.count == 0 || arrival > tally.lastArrival { tally.lastArrival = arrival }
        tally.count += 1
        tally.bytes += result.size
        tallies[slot] = tally
        return Self.rate(of: tally)
    }

    private static func rate(of tally: Tally) -> Double? {
        guard tally.count >= minimumPackets, tally.lastSend > tally.firstSend, tally.lastArrival > tally.firstArrival,
            Double(tally.count) >= minimumReceivedFraction * Double(tally.count + tally.lost)
        else {
            return nil
        }
        let sendSeconds = Double(tally.lastSend.nanoseconds(since: tally.firstSend)) / 1e9
        let arrivalSeconds = Double(tally.lastArrival.nanoseconds(since: tally.firstArrival)) / 1e9
        // The last packet sent ends the send interval and the first to arrive starts the
        // arrival one: neither took time inside it.
        let sendRate = Double(tally.bytes - tally.lastSendSize) * 8 / sendSeconds
        let arrivalRate = Double(tally.bytes - tally.firstArrivalSize) * 8 / arrivalSeconds
        if arrivalRate < saturationRatio * sendRate { return saturatedUtilisation * arrivalRate }
        return min(sendRate, arrivalRate)
    }

    private mutating func slot(for cluster: Int) -> Int {
        if let existing = tallies.firstIndex(where: { $0.cluster == cluster }) { return existing }
        let slot = nextSlot
        nextSlot = (nextSlot + 1) % Self.slots
        tallies[slot] = Tally(cluster: cluster)
        return slot
    }
}

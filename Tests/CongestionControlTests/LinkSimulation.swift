import CongestionControl
import Primitives

/// One sender (the bridge toward one receiver) pacing 1200-byte packets at its current estimate
/// into a `BottleneckLink`, with transport-cc feedback every 100 ms returning over an uncongested
/// path, run in 1 ms steps of simulated time.
struct LinkSimulation {
    /// The estimate and what got through, sampled every 100 ms.
    struct Sample {
        var milliseconds: Int64
        var estimate: Double
        var capacity: Double
        /// Media bits delivered to the receiver in the 100 ms before the sample, as bit/s.
        var deliveredBitsPerSecond: Double
        var crossBitsPerSecond: Double
        var delayBased: Double
        var lossBased: Double
    }

    var link: BottleneckLink
    var estimator = DownlinkEstimator()
    /// Link capacity over time (ms → bit/s); applied every step.
    var capacityAt: (Int64) -> Double
    /// Cross traffic offered to the link over time (ms → bit/s).
    var crossTrafficAt: (Int64) -> Double = { _ in 0 }
    /// What the bridge has to forward over time (ms → bit/s): the sender paces at the lower of
    /// this and the estimate, so below the estimate it is application limited.
    var mediaAvailableAt: (Int64) -> Double = { _ in .infinity }
    /// What the receiver would like (its allocation's ideal), for probing; nil: no probing.
    var wantedAt: ((Int64) -> Double)?
    let packetSize = 1200
    /// The bridge probes with padding-only packets of at most 255 padding bytes.
    let probePacketSize = 285
    private var prober = ProbeController()
    private var cluster: (id: Int, bytesPerMillisecond: Double, until: Instant)?
    private var clusterBudgetBytes = 0.0
    private(set) var probesSent = 0
    private var history = SentPacketHistory()
    private var receiver = FeedbackReceiver()
    private var pendingFeedback: [(deliverAt: Instant, reports: [PacketReport])] = []
    private var nextSequence: UInt16 = 65_000  // wraps early in every run
    private var sendBudgetBytes = 0.0
    private var crossBudgetBytes = 0.0
    private var results: [PacketResult] = []
    private(set) var samples: [Sample] = []

    init(link: BottleneckLink, capacityAt: @escaping (Int64) -> Double) {
        self.link = link
        self.capacityAt = capacityAt
        results.reserveCapacity(1024)
    }

    mutating func run(seconds: Int64) {
        var deliveredBits = 0.0
        for millisecond in 0..<(seconds * 1000) {
            let now = Instant.zero.adding(milliseconds: millisecond)
            link.capacityBitsPerSecond = capacityAt(millisecond)
            deliverFeedback(at: now)
            if let wanted = wantedAt?(millisecond) { probe(at: now, wanted: wanted) }
            send(at: now, limit: mediaAvailableAt(millisecond))
            offerCrossTraffic(at: now, millisecond: millisecond)
            for packet in link.serve(until: now.adding(milliseconds: 1)) {
                receiver.receive(sequenceNumber: packet.sequenceNumber, arrival: packet.arrival)
                deliveredBits += Double(packet.size * 8)
            }
            if millisecond % 100 == 99 {
                let reports = receiver.makeFeedback()
                if !reports.isEmpty {
                    pendingFeedback.append((now.adding(milliseconds: link.baseDelayMilliseconds), reports))
                }
                samples.append(Sample(
                    milliseconds: millisecond + 1, estimate: estimator.bitsPerSecond, capacity: link.capacityBitsPerSecond,
                    deliveredBitsPerSecond: deliveredBits * 10, crossBitsPerSecond: crossTrafficAt(millisecond),
                    delayBased: estimator.delayBasedBitsPerSecond, lossBased: estimator.lossBasedBitsPerSecond))
                deliveredBits = 0
            }
        }
    }

    private mutating func deliverFeedback(at now: Instant) {
        while let first = pendingFeedback.first, first.deliverAt <= now {
            pendingFeedback.removeFirst()
            results.removeAll(keepingCapacity: true)
            history.resolve(first.reports, into: &results)
            estimator.feed(results: results, now: now)
        }
    }

    private mutating func send(at now: Instant, limit: Double) {
        let rate = min(estimator.bitsPerSecond, limit)
        sendBudgetBytes = min(sendBudgetBytes + rate / 8 / 1000, Double(2 * packetSize))
        while sendBudgetBytes >= Double(packetSize) {
            sendBudgetBytes -= Double(packetSize)
            history.recordSent(sequenceNumber: nextSequence, size: packetSize, at: now)
            link.enqueue(.init(sequenceNumber: nextSequence, size: packetSize, enqueued: now))
            nextSequence &+= 1
        }
    }

    /// Starts a cluster when the controller says so, and paces the current one.
    private mutating func probe(at now: Instant, wanted: Double) {
        if let result = estimator.lastProbeResult {
            prober.noteResult(cluster: result.cluster, bitsPerSecond: result.bitsPerSecond, now: now)
        }
        if cluster == nil, let planned = prober.plan(
            estimate: estimator.bitsPerSecond, wanted: wanted, isCongested: estimator.isCongested, now: now) {
            cluster = (planned.id, planned.bitsPerSecond / 8 / 1000, now.adding(milliseconds: planned.durationMilliseconds))
            clusterBudgetBytes = 0
            probesSent += 1
        }
        guard let current = cluster else { return }
        guard now < current.until else {
            cluster = nil
            return
        }
        clusterBudgetBytes += current.bytesPerMillisecond
        while clusterBudgetBytes >= Double(probePacketSize) {
            clusterBudgetBytes -= Double(probePacketSize)
            history.recordSent(sequenceNumber: nextSequence, size: probePacketSize, at: now, probeCluster: current.id)
            link.enqueue(.init(sequenceNumber: nextSequence, size: probePacketSize, enqueued: now))
            nextSequence &+= 1
        }
    }

    private mutating func offerCrossTraffic(at now: Instant, millisecond: Int64) {
        let rate = crossTrafficAt(millisecond)
        guard rate > 0 else { return }
        crossBudgetBytes += rate / 8 / 1000
        while crossBudgetBytes >= Double(packetSize) {
            crossBudgetBytes -= Double(packetSize)
            link.enqueue(.init(sequenceNumber: nil, size: packetSize, enqueued: now))
        }
    }

    /// Mean delivered media rate over samples in `range` (ms), as a fraction of the capacity
    /// left after cross traffic.
    func utilisation(from start: Int64, to end: Int64) -> Double {
        let window = samples.filter { $0.milliseconds > start && $0.milliseconds <= end }
        guard !window.isEmpty else { return 0 }
        let delivered = window.reduce(0) { $0 + $1.deliveredBitsPerSecond }
        let available = window.reduce(0) { $0 + max($1.capacity - $1.crossBitsPerSecond, 0) }
        return delivered / available
    }

    /// The first sample time at or after `start` whose estimate satisfies `condition`.
    func firstTime(after start: Int64, where condition: (Sample) -> Bool) -> Int64? {
        samples.first { $0.milliseconds >= start && condition($0) }?.milliseconds
    }

    /// The highest estimate in samples within `range` (ms).
    func maximumEstimate(from start: Int64, to end: Int64) -> Double {
        samples.filter { $0.milliseconds > start && $0.milliseconds <= end }.map(\.estimate).max() ?? 0
    }

    /// The mean estimate in samples within `range` (ms).
    func meanEstimate(from start: Int64, to end: Int64) -> Double {
        let window = samples.filter { $0.milliseconds > start && $0.milliseconds <= end }
        return window.isEmpty ? 0 : window.reduce(0) { $0 + $1.estimate } / Double(window.count)
    }

    /// A compact trace (one value per second, kbit/s) for the printed report: the estimate, and
    /// in brackets the delay-based and loss-based parts when they differ from it.
    func trace() -> String {
        samples.filter { $0.milliseconds % 1000 == 0 }.map { sample in
            let parts = [sample.estimate, sample.delayBased, sample.lossBased].map { Int($0 / 1000) }
            return parts[1] == parts[2] ? String(parts[0]) : "\(parts[0])(\(parts[1])/\(parts[2]))"
        }.joined(separator: " ")
    }
}

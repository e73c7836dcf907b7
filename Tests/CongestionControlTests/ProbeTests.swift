import CongestionControl
import Primitives
import Testing

/// Probe clusters: measured from their arrival spread, planned while the receiver wants more.
struct ProbeTests {
    private static func at(_ milliseconds: Double) -> Instant {
        Instant(nanoseconds: 1_000_000_000 + UInt64(milliseconds * 1_000_000))
    }

    /// The rate measured from ten 1000-byte packets of one cluster sent 2 ms apart (4 Mbit/s) and
    /// arriving `arrivalSpacing` ms apart.
    private static func clusterRate(arrivalSpacing: Double) -> Double? {
        var estimator = ProbeBitrateEstimator()
        var rate: Double?
        for index in 0..<10 {
            let result = PacketResult(
                sequenceNumber: Int64(index), sendTime: at(Double(index) * 2), size: 1000,
                arrival: at(50 + Double(index) * arrivalSpacing), probeCluster: 3)
            rate = estimator.add(result) ?? rate
        }
        return rate
    }

    /// Through a 2 Mbit/s bottleneck they arrive 4 ms apart: the link, not the probe, sets the result.
    @Test func saturatedProbeMeasuresTheBottleneck() throws {
        let measured = try #require(Self.clusterRate(arrivalSpacing: 4))
        #expect(abs(measured - 0.95 * 2_000_000) < 20_000, "\(measured)")
    }

    @Test func unsaturatedProbeMeasuresItsOwnRate() throws {
        #expect(abs(try #require(Self.clusterRate(arrivalSpacing: 2)) - 4_000_000) < 40_000)
    }

    @Test func tooFewPacketsAndNonProbesSayNothing() {
        var estimator = ProbeBitrateEstimator()
        for index in 0..<3 {
            #expect(estimator.add(PacketResult(
                sequenceNumber: Int64(index), sendTime: Self.at(Double(index)), size: 500, arrival: Self.at(9 + Double(index)),
                probeCluster: 0)) == nil)
        }
        #expect(estimator.add(PacketResult(sequenceNumber: 9, sendTime: Self.at(9), size: 500, arrival: Self.at(20))) == nil)
        #expect(estimator.add(PacketResult(
            sequenceNumber: 10, sendTime: Self.at(10), size: 500, arrival: nil, probeCluster: 0)) == nil)
    }

    /// A cluster that lost over a fifth of its packets overflowed a queue: no result, however
    /// tight the survivors arrived; at a fifth it still counts. (The latest evaluation is the one
    /// that counts, as `DownlinkEstimator` reads it.)
    @Test func clusterLosingMoreThanAFifthSaysNothing() {
        func rate(losing lost: Set<Int>) -> Double? {
            var estimator = ProbeBitrateEstimator()
            var rate: Double?
            for index in 0..<10 {
                rate = estimator.add(PacketResult(
                    sequenceNumber: Int64(index), sendTime: Self.at(Double(index) * 2), size: 1000,
                    arrival: lost.contains(index) ? nil : Self.at(50 + Double(index) * 2), probeCluster: 3))
            }
            return rate
        }
        #expect(rate(losing: [2, 5, 8]) == nil)
        #expect(rate(losing: [2, 5]) != nil)
    }

    @Test func controllerDoublesWhileProbesSucceedAndBacksOffWhenOneFails() throws {
        var controller = ProbeController()
        #expect(controller.plan(estimate: 2_000_000, wanted: 2_100_000, now: Self.at(0)) == nil)
        let plannedFirst = controller.plan(estimate: 300_000, wanted: 2_000_000, now: Self.at(0))
        let first = try #require(plannedFirst)
        #expect(first.bitsPerSecond == 600_000)
        #expect(controller.plan(estimate: 300_000, wanted: 2_000_000, now: Self.at(100)) == nil, "one probe at a time")
        controller.noteResult(cluster: first.id, bitsPerSecond: 590_000, now: Self.at(200))
        let plannedSecond = controller.plan(estimate: 590_000, wanted: 2_000_000, now: Self.at(200))
        let second = try #require(plannedSecond)
        #expect(second.bitsPerSecond == 1_180_000 && second.id != first.id)
        // The link gave 700 of 1180 kbit/s: its limit is found, the next probe waits.
        controller.noteResult(cluster: second.id, bitsPerSecond: 700_000, now: Self.at(400))
        #expect(controller.plan(estimate: 700_000, wanted: 2_000_000, now: Self.at(1_000)) == nil)
        #expect(controller.plan(estimate: 700_000, wanted: 2_000_000, now: Self.at(3_300)) == nil)
        let plannedLater = controller.plan(estimate: 700_000, wanted: 2_000_000, now: Self.at(3_400))
        let later = try #require(plannedLater)
        // Never past what is wanted (with a margin).
        #expect(later.bitsPerSecond == 1_400_000)
        var fresh = ProbeController()
        #expect(fresh.plan(estimate: 1_500_000, wanted: 2_000_000, now: Self.at(0))?.bitsPerSecond == 2_200_000)
        var congested = ProbeController()
        #expect(congested.plan(estimate: 300_000, wanted: 2_000_000, isCongested: true, now: Self.at(0)) == nil)
    }

    @Test func aProbeWithoutResultTimesOut() {
        var controller = ProbeController()
        #expect(controller.plan(estimate: 300_000, wanted: 2_000_000, now: Self.at(0)) != nil)
        #expect(controller.plan(estimate: 300_000, wanted: 2_000_000, now: Self.at(999)) == nil)
        #expect(controller.plan(estimate: 300_000, wanted: 2_000_000, now: Self.at(1_000)) == nil, "timed out: backing off")
        #expect(controller.plan(estimate: 300_000, wanted: 2_000_000, now: Self.at(3_900)) == nil)
        #expect(controller.plan(estimate: 300_000, wanted: 2_000_000, now: Self.at(4_000)) != nil)
    }

    @Test func pacerSpreadsAClusterOverItsDuration() {
        var pacer = PaddingPacer()
        let cluster = ProbeController.Cluster(id: 7, bitsPerSecond: 4_000_000, durationMilliseconds: 20, minimumPackets: 5)
        pacer.startCluster(cluster, now: Self.at(0))
        var total = 0
        var steps = 0
        var now = 0.0
        while let deadline = pacer.nextDeadline, steps < 50 {
            now = Double(deadline.nanoseconds - 1_000_000_000) / 1e6
            let (bytes, id) = pacer.due(now: deadline)
            #expect(id == 7)
            total += bytes
            steps += 1
        }
        // 4 Mbit/s for 20 ms is 10 kB, in 2 ms steps; then nothing (no fill rate set).
        #expect(abs(total - 10_000) <= 1_000, "\(total) bytes in \(steps) steps")
        #expect(steps >= 9 && now <= 24)
        #expect(pacer.due(now: Self.at(100)).bytes == 0)
    }
}

import Primitives
import Testing
import RTP

@Suite struct ReceiveStatisticsTests {
    func ms(_ value: UInt64) -> Instant { Instant(nanoseconds: value * 1_000_000) }

    /// Clock 8 kHz (8 units per ms). Transits 0, 0, 80, 0 → D = 0, 80, 80 →
    /// J = 0, 80/16 = 5, 5 + (80 - 5)/16 = 9.6875; the Q4 integer form of RFC 3550 A.8 reports 9.
    @Test func jitterMatchesHandComputation() {
        var stats = ReceiveStatistics(ssrc: 1, clockRate: 8000)
        stats.record(sequenceNumber: 0, rtpTimestamp: 0, arrival: ms(1000))
        stats.record(sequenceNumber: 1, rtpTimestamp: 160, arrival: ms(1020))
        #expect(stats.jitter == 0)
        stats.record(sequenceNumber: 2, rtpTimestamp: 320, arrival: ms(1050))
        #expect(stats.jitter == 5)
        stats.record(sequenceNumber: 3, rtpTimestamp: 480, arrival: ms(1060))
        #expect(stats.jitter == 9)
        // Same timestamp (another packet of the same frame) leaves jitter alone.
        stats.record(sequenceNumber: 4, rtpTimestamp: 480, arrival: ms(1090))
        #expect(stats.jitter == 9)
    }

    @Test func lossAndFractionPerInterval() {
        var stats = ReceiveStatistics(ssrc: 7, clockRate: 90000)
        for sequence: UInt16 in [0, 1, 2, 3, 6] { stats.record(sequenceNumber: sequence, rtpTimestamp: 0, arrival: ms(1)) }
        #expect(stats.packetsExpected == 7 && stats.packetsReceived == 5 && stats.cumulativeLost == 2)
        let first = stats.makeReportBlock(now: ms(10))
        #expect(first.ssrc == 7 && first.fractionLost == 73 && first.cumulativeLost == 2)  // 2 × 256 / 7
        #expect(first.extendedHighestSequenceNumber == 6)
        #expect(!stats.receivedSinceLastReport)
        stats.record(sequenceNumber: 7, rtpTimestamp: 0, arrival: ms(2))
        stats.record(sequenceNumber: 7, rtpTimestamp: 0, arrival: ms(2))  // duplicate
        let second = stats.makeReportBlock(now: ms(20))
        #expect(second.fractionLost == 0 && second.cumulativeLost == 1)
    }

    @Test func extendedSequenceCountsCycles() {
        var stats = ReceiveStatistics(ssrc: 1, clockRate: 48000)
        for sequence: UInt16 in [65534, 65535, 0, 1] { stats.record(sequenceNumber: sequence, rtpTimestamp: 0, arrival: ms(1)) }
        let block = stats.makeReportBlock(now: ms(2))
        #expect(block.extendedHighestSequenceNumber == 0x0001_0001 && block.cumulativeLost == 0)
    }

    @Test func lastSenderReportAndDelay() {
        var stats = ReceiveStatistics(ssrc: 1, clockRate: 90000)
        #expect(stats.makeReportBlock(now: ms(5)).lastSenderReport == 0)
        stats.recordSenderReport(ntpTimestamp: NTPTimestamp(0x0000_1234_5678_0000), arrival: ms(1000))
        let block = stats.makeReportBlock(now: ms(1500))
        #expect(block.lastSenderReport == 0x1234_5678 && block.delaySinceLastSenderReport == 32768)
    }
}

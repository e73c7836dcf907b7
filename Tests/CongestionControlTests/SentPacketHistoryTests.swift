import CongestionControl
import Primitives
import Testing

@Suite struct SentPacketHistoryTests {
    private let start = Instant.zero.adding(milliseconds: 1_000)

    @Test func resolvesAcrossTheSixteenBitWrap() {
        var history = SentPacketHistory(capacity: 64)
        for offset in 0..<20 {
            history.recordSent(
                sequenceNumber: 65_530 &+ UInt16(offset), size: 1000 + offset, at: start.adding(milliseconds: Int64(offset)))
        }
        let arrival = start.adding(milliseconds: 500)
        let result = history.resolve(PacketReport(sequenceNumber: 3, arrival: arrival))
        // 65530 + 9 wraps to 3; its extension continues past 65535 instead of jumping back to 3.
        #expect(result == PacketResult(
            sequenceNumber: 65_539, sendTime: start.adding(milliseconds: 9), size: 1009, arrival: arrival))
        #expect(history.resolve(PacketReport(sequenceNumber: 65_531, arrival: nil))?.sequenceNumber == 65_531)
    }

    @Test func forgetsPacketsOlderThanTheMaximumAge() {
        var history = SentPacketHistory(capacity: 64, maximumAgeMilliseconds: 5_000)
        history.recordSent(sequenceNumber: 1, size: 1200, at: start)
        history.recordSent(sequenceNumber: 2, size: 1200, at: start.adding(milliseconds: 4_000))
        #expect(history.resolve(PacketReport(sequenceNumber: 1, arrival: start)) != nil)
        history.recordSent(sequenceNumber: 3, size: 1200, at: start.adding(milliseconds: 6_000))
        #expect(history.resolve(PacketReport(sequenceNumber: 2, arrival: nil)) != nil)
        history.recordSent(sequenceNumber: 4, size: 1200, at: start.adding(milliseconds: 9_001))
        #expect(history.resolve(PacketReport(sequenceNumber: 3, arrival: nil)) != nil)
        #expect(history.resolve(PacketReport(sequenceNumber: 2, arrival: start)) == nil)
    }

    /// Every receiver link holds 4,096 entries: 16 bytes each is 64 KB (it was 24 bytes, 96 KB).
    @Test func anEntryTakesSixteenBytesAndKeepsWhatTheEstimatorsRead() {
        #expect(SentPacketHistory.entryStride == 16)
        var history = SentPacketHistory(capacity: 16)
        history.recordSent(sequenceNumber: 7, size: 1_240, at: start, probeCluster: 300)
        history.recordSent(sequenceNumber: 8, size: 20_000, at: start.adding(milliseconds: 1))
        #expect(history.resolve(PacketReport(sequenceNumber: 7, arrival: start)) == PacketResult(
            sequenceNumber: 7, sendTime: start, size: 1_240, arrival: start, probeCluster: 300))
        // Larger than any datagram the bridge sends: kept at the 14-bit ceiling.
        #expect(history.resolve(PacketReport(sequenceNumber: 8, arrival: nil))?.size == 16_383)
        // A slot no packet was recorded in matches nothing, number 0 included.
        #expect(history.resolve(PacketReport(sequenceNumber: 0, arrival: start)) == nil)
        #expect(history.resolve(PacketReport(sequenceNumber: 9, arrival: start)) == nil)
    }

    @Test func forgetsPacketsTheRingHasWrappedOnto() {
        var history = SentPacketHistory(capacity: 16)
        #expect(history.capacity == 16)
        for sequence in UInt16(0)..<40 { history.recordSent(sequenceNumber: sequence, size: 1200, at: start) }
        #expect(history.resolve(PacketReport(sequenceNumber: 10, arrival: start)) == nil)
        #expect(history.resolve(PacketReport(sequenceNumber: 30, arrival: start)) != nil)
    }

    @Test func countsEachPacketOnceButLetsALateArrivalCorrectALoss() {
        var history = SentPacketHistory(capacity: 16)
        history.recordSent(sequenceNumber: 7, size: 1200, at: start)
        history.recordSent(sequenceNumber: 8, size: 1200, at: start)
        #expect(history.resolve(PacketReport(sequenceNumber: 7, arrival: nil))?.isLost == true)
        #expect(history.resolve(PacketReport(sequenceNumber: 7, arrival: nil)) == nil)
        #expect(history.resolve(PacketReport(sequenceNumber: 7, arrival: start))?.isLost == false)
        #expect(history.resolve(PacketReport(sequenceNumber: 7, arrival: start)) == nil)
        #expect(history.resolve(PacketReport(sequenceNumber: 9, arrival: start)) == nil)  // never sent
    }

    @Test func resolvesAWholeFeedbackMessageIntoTheCallersArray() {
        var history = SentPacketHistory(capacity: 16)
        for sequence in UInt16(100)..<105 { history.recordSent(sequenceNumber: sequence, size: 500, at: start) }
        var results: [PacketResult] = []
        let reports = (UInt16(100)..<106).map { PacketReport(sequenceNumber: $0, arrival: $0 == 102 ? nil : start) }
        history.resolve(reports, into: &results)
        #expect(results.map(\.sequenceNumber) == [100, 101, 102, 103, 104])
        #expect(results.map(\.isLost) == [false, false, true, false, false])
    }

    /// Started small, the ring grows only while feedback falls behind what it holds: at 250
    /// packets a second with feedback every 100 ms it keeps its 256 slots; when feedback stops it
    /// grows before it would forget a packet not yet reported, up to its maximum.
    @Test func theRingGrowsOnlyWhileFeedbackFallsBehind() {
        var history = SentPacketHistory(capacity: 4096, initialCapacity: 256)
        #expect(history.capacity == 256 && history.maximumCapacity == 4096)
        var sequence: UInt16 = 65_000
        var time = start
        func send(_ count: Int) -> [UInt16] {
            (0..<count).map { _ in
                defer { sequence &+= 1; time = time.adding(milliseconds: 4) }
                history.recordSent(sequenceNumber: sequence, size: 1200, at: time)
                return sequence
            }
        }
        for _ in 0..<50 {
            for number in send(25) { #expect(history.resolve(PacketReport(sequenceNumber: number, arrival: time)) != nil) }
        }
        #expect(history.capacity == 256)
        let unreported = send(500)
        #expect(history.capacity == 512)
        for number in unreported { #expect(history.resolve(PacketReport(sequenceNumber: number, arrival: time)) != nil) }
        _ = send(10_000)
        #expect(history.capacity == 4096)
    }
}

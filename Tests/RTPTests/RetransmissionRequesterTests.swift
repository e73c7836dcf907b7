import Primitives
import Testing
@testable import RTP

/// The bridge's NACK generator: when numbers become missing, when they are asked for, and when
/// they stop being asked for. Defaults: 5 ms or 3 packets of reordering wait, 100 ms round trip
/// when unknown, 10 requests, 1 s max age, 1024 numbers of history, jumps over 1000 resync.
@Suite struct RetransmissionRequesterTests {
    static func ms(_ value: Int64) -> Instant { Instant.zero.adding(milliseconds: value) }

    /// Feeds `numbers`, all at `time` ms.
    static func receive(_ numbers: [UInt16], at time: Int64, into requester: inout RetransmissionRequester) {
        for number in numbers { requester.handle(sequenceNumber: number, now: ms(time)) }
    }

    @Test func inOrderStreamRequestsNothing() {
        var requester = RetransmissionRequester()
        for step in 0..<300 {
            requester.handle(sequenceNumber: UInt16(truncatingIfNeeded: 65400 + step), now: Self.ms(Int64(step)))
        }
        #expect(requester.missingCount == 0)
        #expect(requester.poll(at: 1000) == [])
        #expect(requester.nextDeadline == nil && requester.requestsSent == 0)
        #expect(requester.newestSequenceNumber == UInt16(truncatingIfNeeded: 65400 + 299))
    }

    @Test func outcomesOfEachKindOfArrival() {
        var requester = RetransmissionRequester()
        #expect(requester.handle(sequenceNumber: 10, now: Self.ms(0)) == .started)
        #expect(requester.handle(sequenceNumber: 11, now: Self.ms(0)) == .inOrder)
        #expect(requester.handle(sequenceNumber: 11, now: Self.ms(0)) == .duplicate)
        #expect(requester.handle(sequenceNumber: 15, now: Self.ms(0)) == .gap(3))
        #expect(requester.handle(sequenceNumber: 13, now: Self.ms(0)) == .recovered)
        #expect(requester.handle(sequenceNumber: 13, now: Self.ms(0)) == .duplicate)
        #expect(requester.handle(sequenceNumber: 10, now: Self.ms(0)) == .duplicate)
        #expect(requester.missingCount == 2 && requester.isMissing(12) && requester.isMissing(14) && !requester.isMissing(13))
    }

    @Test func singleLossIsRequestedAfterTheWindowThenEachRoundTripUntilTheLimit() {
        var requester = RetransmissionRequester()
        Self.receive([10, 11, 13], at: 0, into: &requester)
        #expect(requester.nextDeadline == Self.ms(5))
        #expect(requester.poll(at: 4) == [])
        #expect(requester.poll(at: 5) == [12])
        #expect(requester.poll(at: 6) == [])
        #expect(requester.nextDeadline == Self.ms(105))
        #expect(requester.poll(at: 104) == [])
        #expect(requester.poll(at: 105) == [12])
        // A measured round trip replaces the default; the 20 ms floor applies below it.
        #expect(requester.poll(at: 154, roundTripMilliseconds: 50) == [])
        #expect(requester.poll(at: 155, roundTripMilliseconds: 50) == [12])
        #expect(requester.poll(at: 170, roundTripMilliseconds: 1) == [])
        #expect(requester.poll(at: 175, roundTripMilliseconds: 1) == [12])
        var requests = 4
        var time: Int64 = 175
        while requester.missingCount > 0, time < 1000 {
            time += 20
            requests += requester.poll(at: time, roundTripMilliseconds: 20).count
        }
        #expect(requests == 10 && requester.requestsSent == 10)
        #expect(requester.missingCount == 0 && requester.abandonedCount == 1 && requester.nextDeadline == nil)
        #expect(requester.poll(at: time + 500) == [])
    }

    @Test func reorderingWithinTheWindowIsNotRequested() {
        var requester = RetransmissionRequester()
        Self.receive([10, 12], at: 0, into: &requester)
        #expect(requester.poll(at: 2) == [])
        #expect(requester.handle(sequenceNumber: 11, now: Self.ms(3)) == .recovered)
        #expect(requester.poll(at: 10) == [] && requester.poll(at: 500) == [])
        #expect(requester.recoveredCount == 1 && requester.requestsSent == 0 && requester.nextDeadline == nil)
    }

    @Test func laterPacketsEndTheReorderingWaitEarly() {
        var requester = RetransmissionRequester()
        Self.receive([10, 12, 13], at: 0, into: &requester)
        #expect(requester.poll(at: 0) == [])
        Self.receive([14], at: 0, into: &requester)
        #expect(requester.poll(at: 0) == [11])
    }

    @Test func burstLossIsRequestedAsOneNACKEntry() throws {
        var requester = RetransmissionRequester()
        Self.receive([100, 106], at: 0, into: &requester)
        let due = requester.poll(at: 5)
        #expect(due == [101, 102, 103, 104, 105])
        let nack = try written { try RTCPGenericNACK.write(senderSSRC: 1, mediaSSRC: 2, lost: due, into: $0) }
        #expect(nack.suffix(4) == hex("00 65 00 0F"))
    }

    @Test func lossAcrossTheWrap() throws {
        var requester = RetransmissionRequester()
        Self.receive([65532, 65533, 1, 2], at: 0, into: &requester)
        #expect(requester.missingCount == 3)
        let due = requester.poll(at: 5)
        #expect(due == [65534, 65535, 0])
        let nack = try written { try RTCPGenericNACK.write(senderSSRC: 1, mediaSSRC: 2, lost: due, into: $0) }
        #expect(nack.suffix(4) == hex("FF FE 00 03"))
        #expect(try withBytes(nack) { try Array(RTCPGenericNACK(parsing: $0)) } == due)
        #expect(requester.handle(sequenceNumber: 65535, now: Self.ms(6)) == .recovered)
        #expect(requester.poll(at: 200) == [65534, 0])
    }

    @Test func hugeJumpResyncsInsteadOfRequestingThousands() {
        var requester = RetransmissionRequester()
        Self.receive([100, 102], at: 0, into: &requester)
        #expect(requester.handle(sequenceNumber: 5000, now: Self.ms(1)) == .resynced)
        #expect(requester.missingCount == 0 && requester.resyncCount == 1 && requester.abandonedCount == 1)
        #expect(requester.poll(at: 100) == [])
        #expect(requester.handle(sequenceNumber: 5001, now: Self.ms(2)) == .inOrder)
        #expect(requester.handle(sequenceNumber: 101, now: Self.ms(2)) == .tooOld)
        // The largest gap still repaired.
        #expect(requester.handle(sequenceNumber: 6002, now: Self.ms(3)) == .gap(1000))
        #expect(requester.poll(at: 10, limit: 2000).count == 1000)
    }

    @Test func aSenderThatRestartsBackwardsIsFollowedAfterAFewPackets() {
        var requester = RetransmissionRequester()
        Self.receive([20000, 20001], at: 0, into: &requester)
        for number in UInt16(5000)..<5007 {
            #expect(requester.handle(sequenceNumber: number, now: Self.ms(1)) == .tooOld)
        }
        #expect(requester.handle(sequenceNumber: 5007, now: Self.ms(1)) == .resynced)
        #expect(requester.handle(sequenceNumber: 5009, now: Self.ms(2)) == .gap(1))
        #expect(requester.poll(at: 10) == [5008])
    }

    @Test func aRecoveredPacketStopsItsRequests() {
        var requester = RetransmissionRequester()
        Self.receive([10, 13], at: 0, into: &requester)
        #expect(requester.poll(at: 5) == [11, 12])
        #expect(requester.handle(sequenceNumber: 12, now: Self.ms(40)) == .recovered)
        #expect(requester.poll(at: 105) == [11])
        #expect(requester.handle(sequenceNumber: 11, now: Self.ms(140)) == .recovered)
        #expect(requester.nextDeadline == nil)
        #expect(requester.poll(at: 205) == [] && requester.poll(at: 900) == [])
        #expect(requester.recoveredCount == 2 && requester.requestsSent == 3)
    }

    @Test func aKeyFrameDiscardsOlderLosses() {
        var requester = RetransmissionRequester()
        Self.receive([10, 15, 20], at: 0, into: &requester)
        #expect(requester.missingCount == 8)
        requester.discardMissing(before: 17)
        #expect(requester.missingCount == 3 && !requester.isMissing(16) && requester.isMissing(17))
        #expect(requester.poll(at: 5) == [17, 18, 19])
        requester.discardMissing(before: 21)
        #expect(requester.missingCount == 0 && requester.nextDeadline == nil && requester.abandonedCount == 8)
        #expect(requester.poll(at: 200) == [])
    }

    @Test func lossesOlderThanTheMaxAgeAreGivenUp() {
        var requester = RetransmissionRequester()
        Self.receive([10, 12], at: 0, into: &requester)
        #expect(requester.poll(at: 5, roundTripMilliseconds: 400) == [11])
        #expect(requester.poll(at: 405, roundTripMilliseconds: 400) == [11])
        #expect(requester.poll(at: 805, roundTripMilliseconds: 400) == [11])
        #expect(requester.poll(at: 1205, roundTripMilliseconds: 400) == [])
        #expect(requester.missingCount == 0 && requester.abandonedCount == 1 && requester.requestsSent == 3)
    }

    @Test func lossesThatFallOutOfTheHistoryAreGivenUp() {
        var requester = RetransmissionRequester()
        Self.receive([10, 12], at: 0, into: &requester)
        // 1024 numbers of history: 11 stays while the newest is 1034 and drops out at 1035.
        for number in UInt16(13)...1034 { requester.handle(sequenceNumber: number, now: Self.ms(1)) }
        #expect(requester.missingCount == 1 && requester.isMissing(11))
        requester.handle(sequenceNumber: 1035, now: Self.ms(1))
        #expect(requester.missingCount == 0 && requester.abandonedCount == 1)
        #expect(requester.handle(sequenceNumber: 11, now: Self.ms(2)) == .tooOld)
        #expect(requester.poll(at: 10) == [])
    }

    @Test func whatDoesNotFitTheOutputStaysDue() {
        var requester = RetransmissionRequester()
        requester.handle(sequenceNumber: 0, now: Self.ms(0))
        for number in stride(from: UInt16(2), through: 80, by: 2) { requester.handle(sequenceNumber: number, now: Self.ms(0)) }
        #expect(requester.missingCount == 40)
        #expect(requester.poll(at: 5, limit: 16) == Array(stride(from: UInt16(1), through: 31, by: 2)))
        #expect(requester.nextDeadline == Self.ms(5))
        #expect(requester.poll(at: 5, limit: 16) == Array(stride(from: UInt16(33), through: 63, by: 2)))
        #expect(requester.poll(at: 5, limit: 16) == Array(stride(from: UInt16(65), through: 79, by: 2)))
        #expect(requester.poll(at: 5, limit: 16) == [])
        #expect(requester.nextDeadline == Self.ms(105))
    }

    @Test func resetForgetsTheStream() {
        var requester = RetransmissionRequester()
        Self.receive([10, 20], at: 0, into: &requester)
        requester.reset()
        #expect(requester.missingCount == 0 && requester.newestSequenceNumber == nil && requester.nextDeadline == nil)
        #expect(requester.handle(sequenceNumber: 40000, now: Self.ms(1)) == .started)
    }

    @Test func randomLossPatternsRoundTripThroughTheNACKParser() throws {
        var generator = SeededGenerator(seed: 12)
        for _ in 0..<200 {
            var requester = RetransmissionRequester()
            var number = UInt16.random(in: 0...UInt16.max, using: &generator)
            var lost: [UInt16] = []
            for _ in 0..<300 {
                if Int.random(in: 0..<10, using: &generator) == 0 { lost.append(number) } else {
                    requester.handle(sequenceNumber: number, now: Self.ms(0))
                }
                number &+= 1
            }
            requester.handle(sequenceNumber: number, now: Self.ms(0))
            // Losses before the first received packet are not known to be losses.
            let expected = Array(lost.drop(while: { !requester.isMissing($0) }))
            let due = requester.poll(at: 5, limit: 300)
            #expect(due == expected)
            guard !due.isEmpty else { continue }
            let nack = try written(capacity: 4000) { try RTCPGenericNACK.write(senderSSRC: 7, mediaSSRC: 8, lost: due, into: $0) }
            #expect(try withBytes(nack) { try Array(RTCPGenericNACK(parsing: $0)) } == due)
        }
    }
}

extension RetransmissionRequester {
    /// Polls at `time` ms into a fresh buffer of `limit` numbers and returns what was written.
    mutating func poll(at time: Int64, roundTripMilliseconds: UInt64? = nil, limit: Int = 64) -> [UInt16] {
        var output = [UInt16](repeating: 0, count: limit)
        let count = output.withUnsafeMutableBufferPointer { buffer in
            poll(now: RetransmissionRequesterTests.ms(time), roundTripNanoseconds: roundTripMilliseconds.map { $0 * 1_000_000 }, into: buffer)
        }
        return Array(output.prefix(count))
    }
}

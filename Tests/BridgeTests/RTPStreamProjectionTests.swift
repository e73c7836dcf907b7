@testable import Bridge
import Primitives
import Testing

@Suite struct RTPStreamProjectionTests {
    let t0 = Instant(nanoseconds: 5_000_000_000)

    @Test func firstStreamKeepsItsNumbers() {
        var projection = RTPStreamProjection()
        projection.begin(sequence: 100, timestamp: 9000, now: t0, clockRate: 90_000)
        #expect(projection.forward(sequence: 100, timestamp: 9000, now: t0) == (100, 9000))
        #expect(projection.forward(sequence: 101, timestamp: 12000, now: t0) == (101, 12000))
    }

    @Test func intentionalDropsLeaveNoGapButLossesDo() {
        var projection = RTPStreamProjection()
        projection.begin(sequence: 10, timestamp: 0, now: t0, clockRate: 90_000)
        _ = projection.forward(sequence: 10, timestamp: 0, now: t0)
        projection.drop(sequence: 11)
        projection.drop(sequence: 12)
        #expect(projection.forward(sequence: 13, timestamp: 3000, now: t0).sequence == 11)
        // 14 lost upstream: its gap stays so the receiver can NACK it.
        #expect(projection.forward(sequence: 15, timestamp: 6000, now: t0).sequence == 13)
        // A late packet of a dropped frame changes nothing.
        projection.drop(sequence: 12)
        #expect(projection.forward(sequence: 16, timestamp: 6000, now: t0).sequence == 14)
    }

    @Test func switchContinuesSequenceAndTimestampAcrossWrapArounds() {
        var projection = RTPStreamProjection()
        projection.begin(sequence: 65534, timestamp: 4_294_960_000, now: t0, clockRate: 90_000)
        _ = projection.forward(sequence: 65534, timestamp: 4_294_960_000, now: t0)
        let last = projection.forward(sequence: 65535, timestamp: 4_294_963_000, now: t0)
        #expect(last == (65535, 4_294_963_000))
        // 100 ms later another encoding (its own numbers) starts.
        let later = t0.adding(milliseconds: 100)
        projection.begin(sequence: 7, timestamp: 1234, now: later, clockRate: 90_000)
        let first = projection.forward(sequence: 7, timestamp: 1234, now: later)
        #expect(first.sequence == 0)
        #expect(first.timestamp == 4_294_963_000 &+ 9000)
        #expect(projection.forward(sequence: 8, timestamp: 4234, now: later) == (1, 4_294_963_000 &+ 12000))
    }

    @Test func whatPrecedesTheCurrentStreamIsKnownAcrossTheWrap() {
        var projection = RTPStreamProjection()
        #expect(!projection.precedesStart(5))
        projection.begin(sequence: 2, timestamp: 0, now: t0, clockRate: 90_000)
        #expect(projection.precedesStart(1) && projection.precedesStart(65530))
        #expect(!projection.precedesStart(2) && !projection.precedesStart(300))
        projection.begin(sequence: 40_000, timestamp: 0, now: t0, clockRate: 90_000)
        #expect(projection.precedesStart(39_999) && !projection.precedesStart(2))
    }

    @Test func sequenceWrapWithinAStream() {
        var projection = RTPStreamProjection()
        projection.begin(sequence: 65535, timestamp: 0, now: t0, clockRate: 48_000)
        _ = projection.forward(sequence: 65535, timestamp: 0, now: t0)
        projection.drop(sequence: 0)
        #expect(projection.forward(sequence: 1, timestamp: 960, now: t0).sequence == 0)
    }
}

import CongestionControl
import Primitives
import Testing

/// Padding at a rate, spread over ticks, never in bursts.
struct PaddingPacerTests {
    private static func at(_ milliseconds: Int64) -> Instant { Instant(nanoseconds: 1_000_000_000).adding(milliseconds: milliseconds) }

    @Test func rateFillsTheGapUpToTheLowerOfEstimateAndIdeal() {
        #expect(PaddingPacer.rate(estimate: 1_000_000, target: 300_000, ideal: 2_000_000) == 700_000)
        #expect(PaddingPacer.rate(estimate: 3_000_000, target: 300_000, ideal: 2_000_000) == 1_700_000)
        #expect(PaddingPacer.rate(estimate: 250_000, target: 300_000, ideal: 2_000_000) == 0)
        #expect(PaddingPacer.rate(estimate: 3_000_000, target: 2_000_000, ideal: 2_000_000) == 0)
    }

    @Test func bytesDueFollowTheRateOverASecond() {
        var pacer = PaddingPacer()
        pacer.setRate(800_000, now: Self.at(0))
        var total = 0
        var tick: Int64 = 0
        while tick < 1_000 {
            tick += PaddingPacer.intervalMilliseconds
            #expect(pacer.nextDeadline == Self.at(tick - PaddingPacer.intervalMilliseconds).adding(milliseconds: PaddingPacer.intervalMilliseconds))
            total += pacer.bytesDue(now: Self.at(tick))
        }
        #expect(abs(total - 100_000) <= 1, "\(total) bytes in a second at 800 kbit/s")
    }

    @Test func aLateTickIsNoBurst() {
        var pacer = PaddingPacer()
        pacer.setRate(800_000, now: Self.at(0))
        // 500 ms late: at most two intervals' worth (4000 bytes at 100 kB/s).
        #expect(pacer.bytesDue(now: Self.at(500)) == 4_000)
    }

    @Test func smallAndZeroRatesStopPadding() {
        var pacer = PaddingPacer()
        pacer.setRate(10_000, now: Self.at(0))
        #expect(pacer.bitsPerSecond == 0 && pacer.nextDeadline == nil)
        pacer.setRate(1_000_000, now: Self.at(0))
        #expect(pacer.nextDeadline != nil)
        pacer.setRate(0, now: Self.at(10))
        #expect(pacer.nextDeadline == nil && pacer.bytesDue(now: Self.at(100)) == 0)
        pacer.setRate(50_000_000, now: Self.at(100))
        #expect(pacer.bitsPerSecond == PaddingPacer.maximumBitsPerSecond)
    }

    @Test func overshootIsTakenOffTheNextTick() {
        var pacer = PaddingPacer()
        pacer.setRate(800_000, now: Self.at(0))
        #expect(pacer.bytesDue(now: Self.at(20)) == 2_000)
        pacer.noteSent(extraBytes: 500)
        #expect(pacer.bytesDue(now: Self.at(40)) == 1_500)
    }
}

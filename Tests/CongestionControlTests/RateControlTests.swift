import CongestionControl
import Primitives
import Testing

@Suite struct RateControlTests {
    @Test func overuseDecreasesToBetaTimesTheAcknowledgedRate() {
        var controller = AIMDRateController()
        #expect(controller.bitsPerSecond == 2_500_000)
        let rate = controller.update(
            usage: .overusing, acknowledgedBitsPerSecond: 1_000_000, roundTripMilliseconds: 100, now: .zero)
        #expect(abs(rate - 850_000) < 1)
        #expect(controller.isNearCongestionPoint)
    }

    @Test func growsEightPercentPerSecondFarFromCongestion() {
        var controller = AIMDRateController()
        var now = Instant.zero
        for _ in 0...10 {
            controller.update(usage: .normal, acknowledgedBitsPerSecond: 2_500_000, roundTripMilliseconds: 100, now: now)
            now = now.adding(milliseconds: 100)
        }
        #expect(abs(controller.bitsPerSecond / 2_500_000 - 1.08) < 0.005)
    }

    @Test func doesNotRunFarAheadOfWhatTheReceiverAcknowledged() {
        var controller = AIMDRateController()
        var now = Instant.zero
        for _ in 0..<100 {
            controller.update(usage: .normal, acknowledgedBitsPerSecond: 1_000_000, roundTripMilliseconds: 100, now: now)
            now = now.adding(milliseconds: 100)
        }
        // 2.5 Mbit/s is above 1.5 × 1 Mbit/s + 10 kbit/s: held, neither grown nor cut.
        #expect(controller.bitsPerSecond == 2_500_000)
    }

    @Test func acknowledgedBitrateIsBytesOverTheWindow() {
        var estimator = AcknowledgedBitrateEstimator()
        #expect(estimator.bitsPerSecond == nil)
        for packet in 0..<400 {  // 1200 bytes every 5 ms: 1.92 Mbit/s
            let at = Instant.zero.adding(milliseconds: Int64(packet * 5))
            estimator.add(size: 1200, sendTime: at, arrival: at)
        }
        #expect(abs((estimator.bitsPerSecond ?? 0) - 1_920_000) < 20_000)
    }

    /// A link that shrank 320 ms ago: the 500 ms window still mixes in the old rate, the newest
    /// 250 ms are the new one (what a decrease must aim at), as the link stretched them: sent 5 ms
    /// apart, they arrived 32 ms apart.
    @Test func recentRateFollowsAShrunkLinkAtOnce() {
        var estimator = AcknowledgedBitrateEstimator()
        var sent = Instant.zero
        var arrival = Instant.zero
        for _ in 0..<200 {  // 1200 bytes every 5 ms: 1.92 Mbit/s for a second
            estimator.add(size: 1200, sendTime: sent, arrival: arrival)
            sent = sent.adding(milliseconds: 5)
            arrival = arrival.adding(milliseconds: 5)
        }
        for _ in 0..<10 {  // still sent every 5 ms, through the link every 32 ms: 300 kbit/s
            sent = sent.adding(milliseconds: 5)
            arrival = arrival.adding(milliseconds: 32)
            estimator.add(size: 1200, sendTime: sent, arrival: arrival)
        }
        #expect((estimator.bitsPerSecond ?? 0) > 800_000)
        #expect(abs((estimator.recentBitsPerSecond(overMilliseconds: 250) ?? 0) - 300_000) < 60_000)
        #expect(abs((estimator.bottleneckBitsPerSecond ?? 0) - 300_000) < 60_000)
        // Never longer than the window, never shorter than the 150 ms a rate needs.
        #expect(estimator.recentBitsPerSecond(overMilliseconds: 5_000) == estimator.bitsPerSecond)
        #expect(estimator.recentBitsPerSecond(overMilliseconds: 1) == estimator.recentBitsPerSecond(overMilliseconds: 150))
    }

    /// The sender went quiet (a camera's lull, a CPU-starved encoder): the newest arrivals are as
    /// sparse as they were sent, so they say nothing of the link and a decrease keeps to the
    /// whole window's rate (seen in interop: a 2 Mbit/s link cut to 131 kbit/s).
    @Test func aLullInTheSenderIsNotTheBottleneck() {
        var estimator = AcknowledgedBitrateEstimator()
        var at = Instant.zero
        for _ in 0..<200 {
            estimator.add(size: 1200, sendTime: at, arrival: at.adding(milliseconds: 20))
            at = at.adding(milliseconds: 5)
        }
        for _ in 0..<10 {
            at = at.adding(milliseconds: 32)
            estimator.add(size: 1200, sendTime: at, arrival: at.adding(milliseconds: 20))
        }
        #expect(abs((estimator.recentBitsPerSecond(overMilliseconds: 250) ?? 0) - 300_000) < 60_000)
        #expect(estimator.bottleneckBitsPerSecond == estimator.bitsPerSecond)
        #expect((estimator.bottleneckBitsPerSecond ?? 0) > 800_000)
    }

    @Test(arguments: [(0.01, 1.0), (0.05, 0.9), (0.2, 0.9 * 0.9)])
    func lossBasedBoundFollowsTheLossBands(loss: Double, expectedFraction: Double) {
        var bound = LossBasedEstimate(initialBitsPerSecond: 1_000_000)
        // A first window at the delay-based 900 kbit/s, then one at the given loss.
        bound.update(lost: 0, received: 100, delayBasedBitsPerSecond: 900_000, now: .zero)
        let lost = Int(loss * 100)
        let rate = bound.update(
            lost: lost, received: 100 - lost, delayBasedBitsPerSecond: 1_000_000, now: Instant.zero.adding(milliseconds: 500))
        if loss < LossBasedEstimate.growthLossLimit {
            #expect(rate > 900_000)  // growing again
        } else {
            #expect(abs(rate - 1_000_000 * expectedFraction) < 1)
        }
    }
}

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
            estimator.add(size: 1200, arrival: Instant.zero.adding(milliseconds: Int64(packet * 5)))
        }
        #expect(abs((estimator.bitsPerSecond ?? 0) - 1_920_000) < 20_000)
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

import CongestionControl
import Primitives
import Testing

@Suite struct TrendlineEstimatorTests {
    /// Groups sent every 10 ms arriving every `arrivalSpacing` ms.
    private func slope(arrivalSpacing: Double, groups: Int = 200) -> Double {
        var estimator = TrendlineEstimator()
        var arrival = 0.0
        for _ in 0..<groups {
            arrival += arrivalSpacing
            estimator.add(GroupDelta(
                sendDeltaMilliseconds: 10, arrivalDeltaMilliseconds: arrivalSpacing, arrivalMilliseconds: arrival))
        }
        return estimator.slope
    }

    @Test func steadyDelayHasNoSlope() {
        #expect(abs(slope(arrivalSpacing: 10)) < 1e-9)
    }

    @Test func growingQueueGivesTheRateOfDelayGrowth() {
        // Each 11 ms of arrival time adds 1 ms of queuing delay: slope 1/11.
        #expect(abs(slope(arrivalSpacing: 11) - 1.0 / 11) < 0.005)
    }

    @Test func drainingQueueGivesANegativeSlope() {
        #expect(abs(slope(arrivalSpacing: 9) + 1.0 / 9) < 0.005)
    }

    @Test func slopeStaysZeroUntilTheWindowHasFilled() {
        #expect(slope(arrivalSpacing: 11, groups: 19) == 0)
        #expect(slope(arrivalSpacing: 11, groups: 20) > 0)
    }

    @Test func noisyButFlatDelayStaysBelowTheDetectorsThreshold() {
        var estimator = TrendlineEstimator()
        var detector = OveruseDetector()
        var arrival = 0.0
        var generator = SplitMix64(seed: 3)
        var jitterBefore = 0.0
        for _ in 0..<500 {
            let jitter = Double.random(in: -2...2, using: &generator)
            let spacing = 10 + jitter - jitterBefore
            jitterBefore = jitter
            arrival += spacing
            let delta = GroupDelta(sendDeltaMilliseconds: 10, arrivalDeltaMilliseconds: spacing, arrivalMilliseconds: arrival)
            let slope = estimator.add(delta)
            let usage = detector.update(
                slope: slope, sampleCount: estimator.sampleCount, sendDeltaMilliseconds: 10, atMilliseconds: arrival)
            #expect(usage != .overusing)
        }
    }

    @Test func growingQueueIsDetectedAsOveruseAndDrainingAsUnderuse() {
        var estimator = TrendlineEstimator()
        var detector = OveruseDetector()
        var arrival = 0.0
        var seen: [BandwidthUsage] = []
        for spacing in Array(repeating: 12.0, count: 60) + Array(repeating: 7.0, count: 60) {
            arrival += spacing
            let slope = estimator.add(GroupDelta(
                sendDeltaMilliseconds: 10, arrivalDeltaMilliseconds: spacing, arrivalMilliseconds: arrival))
            seen.append(detector.update(
                slope: slope, sampleCount: estimator.sampleCount, sendDeltaMilliseconds: 10, atMilliseconds: arrival))
        }
        #expect(seen[..<60].contains(.overusing))
        #expect(seen[60...].contains(.underusing))
    }
}

@testable import Bridge
import Primitives
import Testing

/// The frame rate allocation compares with receivers' limits: steady where counting frames per
/// second wobbled, and the same for every layer at the same place on the temporal ladder.
struct FrameRateEstimateTests {
    private static func estimate(steps: [UInt32], frames: Int) -> FrameRateEstimate {
        var estimate = FrameRateEstimate()
        var timestamp: UInt32 = 4_000_000_000  // wraps during the test
        estimate.note(timestamp: timestamp)
        for frame in 0..<frames {
            timestamp &+= steps[frame % steps.count]
            estimate.note(timestamp: timestamp)
        }
        return estimate
    }

    @Test func steadyCaptureReadsItsRate() {
        #expect(abs(Self.estimate(steps: [3_000], frames: 100).framesPerSecond - 30) < 0.01)
        #expect(abs(Self.estimate(steps: [6_000], frames: 100).framesPerSecond - 15) < 0.01)
    }

    /// A CPU-starved 30 fps sender skipping every other frame now and then: 20 fps on average, and
    /// the reading stays within a frame of it from one frame to the next.
    @Test func unevenIntervalsAverageOut() {
        var estimate = Self.estimate(steps: [3_000, 6_000], frames: 100)
        #expect(abs(estimate.framesPerSecond - 20) < 1.0)
        var timestamp: UInt32 = 4_000_000_000 &+ 450_000
        var readings: [Double] = []
        for frame in 0..<40 {
            timestamp &+= frame % 2 == 0 ? 3_000 : 6_000
            estimate.note(timestamp: timestamp)
            readings.append(estimate.framesPerSecond)
        }
        #expect(readings.allSatisfy { abs($0 - 20) < 1.0 }, "\(readings)")
    }

    @Test func packetsOfOneFrameAndReorderedFramesChangeNothing() {
        var estimate = FrameRateEstimate()
        for timestamp: UInt32 in [0, 0, 0, 3_000, 3_000, 6_000, 3_000, 6_000, 9_000] { estimate.note(timestamp: timestamp) }
        #expect(abs(estimate.framesPerSecond - 30) < 0.01)
    }

    @Test func pausesAreNotIntervals() {
        var estimate = Self.estimate(steps: [3_000], frames: 30)
        estimate.note(timestamp: 4_000_000_000 &+ 90_000 + 90_000 * 3)  // three seconds muted
        #expect(abs(estimate.framesPerSecond - 30) < 0.01)
        #expect(FrameRateEstimate().framesPerSecond == 0)
    }

    @Test func temporalLayersHalveTheRate() {
        let estimate = Self.estimate(steps: [3_000], frames: 30)
        #expect([0, 1, 2].map { estimate.framesPerSecond(upTo: $0, of: 3) } == [7.5, 15, 30])
        #expect([0, 1].map { estimate.framesPerSecond(upTo: $0, of: 2) } == [15, 30])
        #expect(estimate.framesPerSecond(upTo: 0, of: 1) == 30)
    }

    /// Every encoding's layer at the same temporal place reports the same rate, whatever the
    /// layers' packet counts: the 720p layer can no longer miss a limit its 360p twin meets.
    @Test func simulcastLayersShareTheirEncodingsLadder() {
        let source = VideoSource.testInstance()
        var now = Instant.zero
        var timestamp: UInt32 = 0
        for frame in 0..<60 {
            let temporal = frame % 4 == 0 ? 0 : (frame % 2 == 0 ? 1 : 2)
            for encoding in source.encodings {
                // Uneven packet counts per frame, as real layers have.
                for _ in 0...(encoding.index + frame % 3) {
                    encoding.record(bytes: 1_000, timestamp: timestamp, temporalLayer: temporal, now: now)
                }
            }
            timestamp &+= 3_000
            now = now.adding(milliseconds: 33)
        }
        let rates = Dictionary(grouping: source.layers(now: now), by: \.temporal).mapValues { Set($0.map(\.frameRate)) }
        #expect(rates.count == 3)
        for (temporal, values) in rates {
            #expect(values.count == 1, "T\(temporal): \(values)")
            #expect(abs((values.first ?? 0) - [7.5, 15, 30][temporal]) < 0.01)
        }
    }
}

@testable import Bridge
import Primitives
import Testing

/// What a layer costs allocation when its encoding has not been measured over a whole second.
@Suite struct VideoSourceLayerCostTests {
    /// Sends the top encoding at 480 kbit/s (two 1000-byte packets every 33 ms) for `milliseconds`.
    static func sendTop(_ source: VideoSource, from start: Instant, milliseconds: Int64) -> Instant {
        var now = start
        let top = source.encodings[2]
        while now.milliseconds(since: start) < milliseconds {
            for _ in 0..<2 {
                top.record(bytes: 1_000, timestamp: UInt32(truncatingIfNeeded: now.nanoseconds / 11_111), temporalLayer: 0, now: now)
            }
            now = now.adding(milliseconds: 33)
        }
        return now
    }

    static func topCost(_ source: VideoSource, now: Instant) -> Int? {
        source.layers(now: now).first { $0.encoding == 2 }?.bitrateBps
    }

    /// A first start costs next to nothing, so its first key frame is forwarded at once.
    @Test func aNewEncodingIsNearlyFree() {
        let source = VideoSource.testInstance()
        let now = Self.sendTop(source, from: .zero, milliseconds: 100)
        #expect((Self.topCost(source, now: now) ?? 0) < 100_000)
    }

    /// Resumed after a pause, an encoding costs what it did before until the meter has a second
    /// of it again (in interop a resumed 720p read as free and went to a 300 kbit/s receiver).
    @Test func aResumedEncodingCostsWhatItDidBefore() throws {
        let source = VideoSource.testInstance()
        var now = Self.sendTop(source, from: .zero, milliseconds: 2_000)
        let steady = try #require(Self.topCost(source, now: now))
        #expect(abs(steady - 480_000) < 60_000)
        now = now.adding(milliseconds: 3_000)
        #expect(Self.topCost(source, now: now) == 0, "paused: not being sent")
        now = Self.sendTop(source, from: now, milliseconds: 100)
        #expect(Self.topCost(source, now: now) == steady)
        now = Self.sendTop(source, from: now, milliseconds: 1_500)
        #expect(abs((Self.topCost(source, now: now) ?? 0) - 480_000) < 60_000)
    }
}

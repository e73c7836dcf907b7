@testable import Bridge
import Primitives
import Testing

/// Layer selection per receiver: switches only at a target key frame, temporal layers above the
/// target dropped, going up only at a base-layer or layer-sync frame.
@Suite struct VideoSourceProjectionTests {
    static func layer(_ encoding: Int, _ temporal: Int) -> VideoLayer {
        VideoLayer(encoding: encoding, temporal: temporal, height: 180 << encoding, frameRate: 30, bitrateBps: 100_000)
    }

    @Test func nothingBeforeATargetAndItsKeyframe() {
        let projection = VideoSourceProjection.testInstance()
        #expect(projection.select(encodingIndex: 0, timestamp: 1, vp8: nil, isKeyframeStart: true) == .ignore)
        projection.setTarget(Self.layer(2, 2))
        #expect(projection.awaitsKeyframe)
        #expect(projection.select(encodingIndex: 2, timestamp: 2, vp8: nil, isKeyframeStart: false) == .ignore)
        #expect(projection.select(encodingIndex: 1, timestamp: 2, vp8: nil, isKeyframeStart: true) == .ignore)
        #expect(projection.select(encodingIndex: 2, timestamp: 3, vp8: nil, isKeyframeStart: true) == .forward(switched: true))
        #expect(!projection.awaitsKeyframe)
        #expect(projection.select(encodingIndex: 2, timestamp: 3, vp8: nil, isKeyframeStart: false) == .forward(switched: false))
    }

    @Test func downSwitchKeepsTheOldEncodingUntilTheNewKeyframe() {
        let projection = VideoSourceProjection.testInstance()
        projection.setTarget(Self.layer(2, 0))
        _ = projection.select(encodingIndex: 2, timestamp: 1, vp8: nil, isKeyframeStart: true)
        projection.setTarget(Self.layer(0, 0))
        #expect(projection.select(encodingIndex: 2, timestamp: 2, vp8: nil, isKeyframeStart: false) == .forward(switched: false))
        #expect(projection.select(encodingIndex: 0, timestamp: 2, vp8: nil, isKeyframeStart: false) == .ignore)
        #expect(projection.select(encodingIndex: 0, timestamp: 3, vp8: nil, isKeyframeStart: true) == .forward(switched: true))
        #expect(projection.select(encodingIndex: 2, timestamp: 4, vp8: nil, isKeyframeStart: false) == .ignore)
    }

    @Test func stopForwardingForgetsTheEncoding() {
        let projection = VideoSourceProjection.testInstance()
        projection.setTarget(Self.layer(0, 0))
        _ = projection.select(encodingIndex: 0, timestamp: 1, vp8: nil, isKeyframeStart: true)
        projection.setTarget(nil)
        #expect(projection.select(encodingIndex: 0, timestamp: 2, vp8: nil, isKeyframeStart: false) == .ignore)
        projection.setTarget(Self.layer(0, 0))
        // Resuming needs a key frame again.
        #expect(projection.select(encodingIndex: 0, timestamp: 3, vp8: nil, isKeyframeStart: false) == .ignore)
    }

    /// The call's first seconds use up a target's key frame requests (the up-switch to 720p
    /// needed none: the layer started with a key frame); the down-switch to 180p must still ask.
    @Test func eachNewTargetMayAskForKeyFrames() {
        let projection = VideoSourceProjection.testInstance()
        projection.setTarget(Self.layer(0, 0))
        let early = (0..<4).map { projection.keyframes.admit(now: Instant(nanoseconds: UInt64($0) * 300_000_000)) }
        #expect(early == [true, true, true, false])
        projection.setTarget(Self.layer(2, 0))
        projection.setTarget(Self.layer(2, 1))  // a temporal change is no new target
        projection.setTarget(Self.layer(0, 0))
        let afterSwitches = projection.keyframes.admit(now: Instant(nanoseconds: 1_000_000_000))
        #expect(afterSwitches)
    }
}

extension VideoSourceProjection {
    /// A projection of a three-encoding source owned by a throwaway endpoint.
    static func testInstance() -> VideoSourceProjection {
        let source = VideoSource.testInstance()
        return VideoSourceProjection(source: source, outgoingSSRC: 1, outgoingRTXSSRC: 2)
    }
}

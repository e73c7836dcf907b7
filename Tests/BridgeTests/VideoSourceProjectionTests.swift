@testable import Bridge
import Primitives
import RTP
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

    /// Waiting for the lower encoding's key frame, the higher one is cut to its base layer, so a
    /// receiver switched down for bandwidth stops getting most of what no longer fits at once.
    @Test func pendingDownSwitchForwardsOnlyTheBaseLayerOfTheOldEncoding() throws {
        let projection = VideoSourceProjection.testInstance()
        projection.setTarget(Self.layer(2, 2))
        _ = projection.select(encodingIndex: 2, timestamp: 0, vp8: try Self.vp8(tid: 0), isKeyframeStart: true)
        let full = try (1...4).map { try projection.select(encodingIndex: 2, timestamp: UInt32($0), vp8: Self.vp8(tid: [2, 1, 2, 0][$0 - 1]), isKeyframeStart: false) }
        #expect(full == Array(repeating: .forward(switched: false), count: 4))
        projection.setTarget(Self.layer(0, 2))
        let pending = try (5...8).map { try projection.select(encodingIndex: 2, timestamp: UInt32($0), vp8: Self.vp8(tid: [2, 1, 2, 0][$0 - 5]), isKeyframeStart: false) }
        #expect(pending == [.dropIntentionally, .dropIntentionally, .dropIntentionally, .forward(switched: false)])
        #expect(projection.select(encodingIndex: 0, timestamp: 9, vp8: try Self.vp8(tid: 0), isKeyframeStart: true) == .forward(switched: true))
        // On the new encoding the target's temporal layers all flow again.
        let after = try (10...12).map { try projection.select(encodingIndex: 0, timestamp: UInt32($0), vp8: Self.vp8(tid: [2, 1, 2][$0 - 10]), isKeyframeStart: false) }
        #expect(after == Array(repeating: .forward(switched: false), count: 3))
    }

    /// The encoding being left sends a key frame (a browser answering the request for the target's
    /// on every layer): it is not forwarded, and neither is anything of that encoding after it.
    @Test func keyframeOfTheEncodingBeingLeftEndsIt() {
        let projection = VideoSourceProjection.testInstance()
        projection.setTarget(Self.layer(2, 0))
        _ = projection.select(encodingIndex: 2, timestamp: 1, vp8: nil, isKeyframeStart: true)
        projection.setTarget(Self.layer(0, 0))
        #expect(projection.select(encodingIndex: 2, timestamp: 2, vp8: nil, isKeyframeStart: false) == .forward(switched: false))
        #expect(projection.select(encodingIndex: 2, timestamp: 3, vp8: nil, isKeyframeStart: true) == .ignore)
        #expect(projection.select(encodingIndex: 2, timestamp: 3, vp8: nil, isKeyframeStart: false) == .ignore)
        #expect(projection.select(encodingIndex: 2, timestamp: 4, vp8: nil, isKeyframeStart: false) == .ignore)
        #expect(projection.awaitsKeyframe)
        #expect(projection.select(encodingIndex: 0, timestamp: 3, vp8: nil, isKeyframeStart: true) == .forward(switched: true))
        // Going up, the current encoding's key frames flow as ever.
        projection.setTarget(Self.layer(1, 0))
        #expect(projection.select(encodingIndex: 0, timestamp: 5, vp8: nil, isKeyframeStart: true) == .forward(switched: false))
    }

    /// A VP8 descriptor with a PictureID, TL0PICIDX and temporal layer `tid`.
    static func vp8(tid: UInt8) throws -> VP8PayloadDescriptor {
        let bytes: [UInt8] = [0x90, 0xE0, 0x80, 0x01, 0x00, tid << 6, 0x51, 0x2A, 0x00]
        return try bytes.withUnsafeBytes { try VP8PayloadDescriptor(parsing: $0) }
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

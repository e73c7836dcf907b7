@testable import Bridge
import Testing

/// VP9 SVC without dependency descriptors: layer frames chosen from the payload descriptor's layer
/// indices, as libvpx's three-spatial, three-temporal modes send them.
@Suite struct VP9LayerSelectorTests {
    /// One layer frame as the selector sees it, with the picture it belongs to.
    struct Packet {
        var frame: VP9LayerFrame
        var timestamp: UInt32
    }

    /// Pictures `range` of an L3T3 stream (K-SVC: lower layers predict nothing above them after the
    /// key picture). Temporal pattern 0, 2, 1, 2; the T1 and T2 frames after a T0 one are switching-up
    /// points; picture `keyEvery` multiples are key pictures. One packet per layer frame.
    static func stream(_ range: Range<Int>, kSVC: Bool, keyEvery: Int = 1000) -> [Packet] {
        var packets: [Packet] = []
        for picture in range {
            let temporal = [0, 2, 1, 2][picture % 4]
            let isKey = picture % keyEvery == 0
            for spatial in 0..<3 {
                let frame = VP9LayerFrame(
                    spatial: spatial, temporal: isKey ? 0 : temporal, isSwitchingUp: picture % 4 != 3,
                    isKeyframeStart: isKey && spatial == 0,
                    isNotReferenceForUpperLayers: kSVC && !isKey && spatial < 2, isEndOfFrame: true)
                packets.append(Packet(frame: frame, timestamp: UInt32(truncatingIfNeeded: picture &* 3000)))
            }
        }
        return packets
    }

    /// The (spatial, temporal) of each forwarded layer frame, and whether the selection began a stream.
    static func run(_ selector: inout VP9LayerSelector, _ packets: [Packet]) -> (forwarded: [[Int]], began: Int) {
        var forwarded: [[Int]] = []
        var began = 0
        for packet in packets {
            if case .forward(let switched) = selector.select(packet.frame, timestamp: packet.timestamp) {
                forwarded.append([packet.frame.spatial, packet.frame.temporal])
                if switched { began += 1 }
            }
        }
        return (forwarded, began)
    }

    @Test func startsAtAKeyPictureAndForwardsUpToTheTargetLayers() {
        var selector = VP9LayerSelector()
        selector.setTarget(spatial: 1, temporal: 1)
        #expect(selector.awaitsKeyframe)
        let before = Self.run(&selector, Self.stream(1..<4, kSVC: false))
        #expect(before.forwarded.isEmpty)
        let after = Self.run(&selector, Self.stream(4..<8, kSVC: false, keyEvery: 4))
        // Key picture 4 (S0, S1), then picture 5 is T2 (dropped), 6 is T1, 7 is T2.
        #expect(after.forwarded == [[0, 0], [1, 0], [0, 1], [1, 1]])
        #expect(after.began == 1)
        #expect(!selector.awaitsKeyframe)
    }

    @Test func theMarkerMovesToTheTargetSpatialLayer() {
        var selector = VP9LayerSelector()
        selector.setTarget(spatial: 1, temporal: 2)
        _ = Self.run(&selector, Self.stream(0..<1, kSVC: false))
        let frames = Self.stream(1..<2, kSVC: false).map(\.frame)
        #expect(frames.map { selector.endsForwardedPicture($0) } == [false, true, false])
    }

    @Test func kSVCHoldsBackLowerLayersOfInterPictures() {
        var selector = VP9LayerSelector()
        selector.setTarget(spatial: 2, temporal: 2)
        let result = Self.run(&selector, Self.stream(0..<3, kSVC: true))
        // The key picture whole; afterwards only S2 frames.
        #expect(result.forwarded == [[0, 0], [1, 0], [2, 0], [2, 2], [2, 1]])
    }

    @Test func fullSVCMovesDownAtTheNextPictureWithoutAKeyPicture() {
        var selector = VP9LayerSelector()
        selector.setTarget(spatial: 2, temporal: 2)
        _ = Self.run(&selector, Self.stream(0..<2, kSVC: false))
        selector.setTarget(spatial: 0, temporal: 2)
        #expect(!selector.awaitsKeyframe)
        let result = Self.run(&selector, Self.stream(2..<4, kSVC: false))
        #expect(result.forwarded == [[0, 1], [0, 2]])
        #expect(result.began == 0)
    }

    @Test func kSVCMovesDownOnlyAtAKeyPicture() {
        var selector = VP9LayerSelector()
        selector.setTarget(spatial: 2, temporal: 2)
        _ = Self.run(&selector, Self.stream(0..<2, kSVC: true, keyEvery: 4))
        selector.setTarget(spatial: 0, temporal: 2)
        #expect(selector.awaitsKeyframe)
        let waiting = Self.run(&selector, Self.stream(2..<4, kSVC: true, keyEvery: 4))
        #expect(waiting.forwarded == [[2, 1], [2, 2]])
        let moved = Self.run(&selector, Self.stream(4..<6, kSVC: true, keyEvery: 4))
        #expect(moved.forwarded == [[0, 0], [0, 2]])
        #expect(!selector.awaitsKeyframe)
    }

    @Test func movingUpASpatialLayerWaitsForAKeyPicture() {
        var selector = VP9LayerSelector()
        selector.setTarget(spatial: 0, temporal: 2)
        _ = Self.run(&selector, Self.stream(0..<2, kSVC: false, keyEvery: 4))
        selector.setTarget(spatial: 2, temporal: 2)
        #expect(selector.awaitsKeyframe)
        let waiting = Self.run(&selector, Self.stream(2..<4, kSVC: false, keyEvery: 4))
        #expect(waiting.forwarded.allSatisfy { $0[0] == 0 })
        let moved = Self.run(&selector, Self.stream(4..<5, kSVC: false, keyEvery: 4))
        #expect(moved.forwarded == [[0, 0], [1, 0], [2, 0]])
    }

    @Test func temporalLayersGoDownAtOnceAndUpAtASwitchingPoint() {
        var selector = VP9LayerSelector()
        selector.setTarget(spatial: 0, temporal: 2)
        _ = Self.run(&selector, Self.stream(0..<1, kSVC: false))
        selector.setTarget(spatial: 0, temporal: 0)
        #expect(Self.run(&selector, Self.stream(1..<4, kSVC: false)).forwarded.isEmpty)
        selector.setTarget(spatial: 0, temporal: 2)
        // Picture 7 (T2) is no switching-up point; picture 8 (T0) is where the climb resumes.
        #expect(Self.run(&selector, Self.stream(7..<8, kSVC: false)).forwarded.isEmpty)
        #expect(Self.run(&selector, Self.stream(8..<10, kSVC: false)).forwarded == [[0, 0], [0, 2]])
    }

    @Test func aStoppedSelectorIgnoresEverythingAndBeginsAgainAtAKeyPicture() {
        var selector = VP9LayerSelector()
        selector.setTarget(spatial: 0, temporal: 0)
        #expect(Self.run(&selector, Self.stream(0..<1, kSVC: false)).began == 1)
        selector.stop()
        #expect(!selector.awaitsKeyframe)
        #expect(Self.run(&selector, Self.stream(1..<4, kSVC: false)).forwarded.isEmpty)
        selector.setTarget(spatial: 0, temporal: 0)
        #expect(Self.run(&selector, Self.stream(4..<5, kSVC: false)).forwarded.isEmpty)
        #expect(Self.run(&selector, Self.stream(8..<9, kSVC: false, keyEvery: 8)).began == 1)
    }
}

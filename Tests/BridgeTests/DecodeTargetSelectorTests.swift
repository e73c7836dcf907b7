import AV1TestSupport
@testable import Bridge
import RTP
import Testing

/// SVC frame selection for one receiver, driven by the frame sequences libwebrtc's AV1 encoder
/// emits for L1T3, L3T3 (full SVC), L3T3_KEY and S3T3: starts at key frames only, forwards exactly
/// a decode target's frames, moves between targets only where the receiver can still decode, and
/// marks the end of what the receiver gets of each temporal unit. Frame numbers cross 65535 → 0.
@Suite struct DecodeTargetSelectorTests {
    typealias Layer = SVCSelectorHarness.Layer

    /// The layers of the frames forwarded in each temporal unit.
    static func forwarded(_ units: [[SVCSelectorHarness.Decision]]) -> [[Layer]] {
        units.map { $0.filter { $0.isForwarded }.map { $0.layer } }
    }

    /// Whether a receiver of (spatial, temporal) needs `frame`, from how each mode is built rather
    /// than from its DTIs: full SVC needs every lower layer, K-SVC lower layers only at key frames,
    /// simulcast-style S3T3 only its own layer.
    static func isNeeded(_ frame: AV1LayerFrame, by target: Layer, in mode: AV1ScalabilityMode) -> Bool {
        guard frame.temporalID <= target.temporal else { return false }
        switch mode {
        case .l1t3: return true
        case .l3t3: return frame.spatialID <= target.spatial
        case .l3t3Key: return frame.isKeyFrame ? frame.spatialID <= target.spatial : frame.spatialID == target.spatial
        case .s3t3: return frame.spatialID == target.spatial
        }
    }

    static func targets(of mode: AV1ScalabilityMode) -> [Layer] {
        (0..<mode.spatialLayers).flatMap { spatial in (0...2).map { Layer(spatial, $0) } }
    }

    // MARK: - The generated streams

    /// The pattern itself: decode targets in the documented order, every frame's references
    /// produced earlier and part of every decode target the frame is part of, frame numbers wrapping.
    @Test(arguments: AV1ScalabilityMode.allCases)
    func generatedStreamsAreCoherent(mode: AV1ScalabilityMode) throws {
        var encoder = try AV1EncoderPattern(mode: mode, firstFrameNumber: 65_527)
        for target in Self.targets(of: mode) {
            let layers = encoder.structure.layers(ofDecodeTarget: mode.decodeTarget(spatial: target.spatial, temporal: target.temporal))
            #expect(Layer(Int(layers.spatialID), Int(layers.temporalID)) == target, "\(mode): decode target order")
        }
        var produced: [UInt16: AV1DecodeTargetIndications] = [:]
        for _ in 0..<13 {
            for frame in encoder.nextTemporalUnit() {
                let own = frame.descriptor.frame.decodeTargetIndications
                let diffs = frame.descriptor.frame.frameDiffs
                for index in 0..<diffs.count {
                    let reference = try #require(produced[frame.frameNumber &- diffs[index]], "\(mode) frame \(frame.frameNumber)")
                    #expect(reference.presentTargets & own.presentTargets == own.presentTargets, "\(mode) frame \(frame.frameNumber)")
                }
                produced[frame.frameNumber] = own
            }
        }
        #expect(produced[65_535] != nil && produced[0] != nil)
    }

    // MARK: - Starting

    /// Mid-stream frames, even those marked "switch" for the target, refer to frames the receiver
    /// never got: the stream starts at the key frame, its first frame of the decode target.
    @Test func startsOnlyAtAKeyFrame() throws {
        let cases: [(AV1ScalabilityMode, Layer, first: Layer)] = [
            (.l1t3, Layer(0, 2), Layer(0, 0)), (.l3t3, Layer(1, 1), Layer(0, 0)),
            (.l3t3Key, Layer(1, 1), Layer(0, 0)), (.s3t3, Layer(2, 0), Layer(2, 0)),
        ]
        for (mode, target, firstLayer) in cases {
            var harness = try SVCSelectorHarness(mode)
            // The key frame passes before the receiver has a target.
            #expect(try harness.temporalUnit().allSatisfy { $0.isIgnored })
            harness.selector.setTarget(spatial: target.spatial, temporal: target.temporal)
            #expect(harness.selector.awaitsKeyframe)
            let middle = try harness.temporalUnits(7).joined()
            #expect(middle.allSatisfy { $0.isIgnored }, "\(mode): no start in mid-stream")
            #expect(harness.selector.awaitsKeyframe)
            harness.encoder.requestKeyFrame()
            let key = try harness.temporalUnit()
            let first = try #require(key.first { !$0.isIgnored }, "\(mode)")
            #expect(first.isForwarded && first.startsStream && first.frame.isKeyFrame, "\(mode)")
            #expect(first.layer == firstLayer, "\(mode)")
            #expect(first.verdicts.dropFirst().allSatisfy { $0 == .forward(switched: false) })
            // S3T3's layers are independent: the S2 key frame starts S2 without the structure.
            #expect(first.frame.descriptor.carriesStructure == (mode != .s3t3), "\(mode)")
            #expect(!harness.selector.awaitsKeyframe)
            let later = try harness.temporalUnits(4).joined()
            #expect(!later.contains { $0.startsStream }, "\(mode): one start")
        }
    }

    /// A key frame whose first packet went by before the target was set cannot start the stream,
    /// nor can the next layer's key frame that refers to it.
    @Test func aKeyFrameJoinedInMidFrameDoesNotStart() throws {
        var harness = try SVCSelectorHarness(.l3t3Key)
        let key = harness.encoder.nextTemporalUnit()
        let s0 = try harness.send(key[0]) { $0.setTarget(spatial: 1, temporal: 0) }
        #expect(s0.isIgnored)
        #expect(try harness.send(key[1]).isIgnored)
        #expect(try harness.send(key[2]).isIgnored)
        #expect(try harness.temporalUnits(4).joined().allSatisfy { $0.isIgnored })
        #expect(harness.selector.awaitsKeyframe)
    }

    // MARK: - What is forwarded

    /// For every mode and every (spatial, temporal) target: exactly the frames that target needs,
    /// all decodable, the rest dropped (after the start) or not seen (before it), over three cycles
    /// and the frame-number wrap.
    @Test(arguments: AV1ScalabilityMode.allCases)
    func forwardsExactlyTheFramesOfTheDecodeTarget(mode: AV1ScalabilityMode) throws {
        for target in Self.targets(of: mode) {
            var harness = try SVCSelectorHarness(mode)
            harness.selector.setTarget(spatial: target.spatial, temporal: target.temporal)
            let decisions = Array(try harness.temporalUnits(13).joined())
            for decision in decisions {
                let needed = Self.isNeeded(decision.frame, by: target, in: mode)
                #expect(decision.isForwarded == needed, "\(mode) \(target): \(decision.layer) #\(decision.frame.position)")
                #expect(decision.isForwarded || decision.isDropped || decision.isIgnored, "one verdict per frame")
            }
            #expect(harness.undecodable(decisions).isEmpty, "\(mode) \(target)")
            #expect(decisions.filter { $0.startsStream }.count == 1)
            #expect(Layer(harness.selector.currentSpatial, harness.selector.currentTemporal) == target)
            #expect(harness.producedFrameNumbers.contains(65_535) && harness.producedFrameNumbers.contains(0))
        }
    }

    /// S1T1 of L3T3_KEY: the S0 key frame and the S1 frames at T0 and T1 after it; no S2, no T2.
    @Test func l3t3KeyS1T1GetsTheS0KeyFrameThenS1BaseAndMiddleLayers() throws {
        var harness = try SVCSelectorHarness(.l3t3Key)
        harness.selector.setTarget(spatial: 1, temporal: 1)
        let units = try harness.temporalUnits(9)
        #expect(Self.forwarded(units) == [
            [Layer(0, 0), Layer(1, 0)], [], [Layer(1, 1)], [], [Layer(1, 0)], [], [Layer(1, 1)], [], [Layer(1, 0)],
        ])
        // What is not forwarded after the start is dropped, so the outgoing numbering hides it.
        #expect(units.joined().filter { !$0.isForwarded }.allSatisfy { $0.isDropped })
    }

    // MARK: - Temporal moves

    /// Fewer temporal layers: from the next temporal unit on. More: only at a frame that is a
    /// switch point of the higher target and whose references the receiver got (T2 frames are not;
    /// the T1 frame, referring to the T0 frame forwarded, is).
    @Test func temporalDownAtOnceUpAtASwitchFrame() throws {
        var harness = try SVCSelectorHarness(.l3t3Key)
        harness.selector.setTarget(spatial: 1, temporal: 2)
        let start = try harness.temporalUnits(5)  // key, T2, T1, T2, T0
        #expect(Self.forwarded(start) == [[Layer(0, 0), Layer(1, 0)], [Layer(1, 2)], [Layer(1, 1)], [Layer(1, 2)], [Layer(1, 0)]])

        harness.selector.setTarget(spatial: 1, temporal: 0)
        #expect(!harness.selector.awaitsKeyframe)
        let down = try harness.temporalUnits(4)  // T2, T1, T2, T0
        #expect(Self.forwarded(down) == [[], [], [], [Layer(1, 0)]])
        #expect(down.joined().filter { !$0.isForwarded }.allSatisfy { $0.isDropped })

        harness.selector.setTarget(spatial: 1, temporal: 2)
        #expect(!harness.selector.awaitsKeyframe, "a temporal move needs no key frame")
        let up = try harness.temporalUnits(4)  // T2, T1, T2, T0
        #expect(Self.forwarded(up) == [[], [Layer(1, 1)], [Layer(1, 2)], [Layer(1, 0)]])
        #expect(harness.undecodable(Array((start + down + up).joined())).isEmpty)
    }

    /// A temporal move asked for in mid-unit (full SVC, after the unit's S0 frame) leaves that unit
    /// whole; the next unit of the dropped layer goes entirely.
    @Test func temporalDownInMidUnitKeepsTheUnitWhole() throws {
        var harness = try SVCSelectorHarness(.l3t3)
        harness.selector.setTarget(spatial: 2, temporal: 2)
        try harness.temporalUnits(5)  // key, T2, T1, T2, T0
        let unit = harness.encoder.nextTemporalUnit()  // T2
        var decisions = [try harness.send(unit[0]) { $0.setTarget(spatial: 2, temporal: 1) }]
        decisions += try unit.dropFirst().map { try harness.send($0) }
        #expect(Self.forwarded([decisions]) == [[Layer(0, 2), Layer(1, 2), Layer(2, 2)]])
        #expect(decisions.last?.markers.last == true)
        let next = try harness.temporalUnits(2)  // T1, T2
        #expect(Self.forwarded(next) == [[Layer(0, 1), Layer(1, 1), Layer(2, 1)], []])
    }

    // MARK: - Spatial moves

    /// Full SVC: every frame of a lower spatial target is part of the higher one, so going down
    /// needs no key frame; going up does (the upper layer's frames refer to its earlier frames).
    @Test func fullSVCSpatialDownWithoutAKeyFrameUpAtOne() throws {
        var harness = try SVCSelectorHarness(.l3t3)
        harness.selector.setTarget(spatial: 2, temporal: 2)
        try harness.temporalUnits(6)  // key, T2, T1, T2, T0, T2
        harness.selector.setTarget(spatial: 1, temporal: 2)
        #expect(!harness.selector.awaitsKeyframe)
        let down = try harness.temporalUnits(4)  // T1, T2, T0, T2
        #expect(Self.forwarded(down) == [
            [Layer(0, 1), Layer(1, 1)], [Layer(0, 2), Layer(1, 2)], [Layer(0, 0), Layer(1, 0)], [Layer(0, 2), Layer(1, 2)],
        ])
        #expect(down.allSatisfy { $0.filter { $0.isForwarded }.last?.markers.last == true })

        harness.selector.setTarget(spatial: 2, temporal: 2)
        #expect(harness.selector.awaitsKeyframe, "S2 frames are switch points only with their own references")
        let waiting = try harness.temporalUnits(4)
        #expect(!waiting.joined().contains { $0.isForwarded && $0.frame.spatialID == 2 })
        harness.encoder.requestKeyFrame()
        let key = try harness.temporalUnit()
        #expect(Self.forwarded([key]) == [[Layer(0, 0), Layer(1, 0), Layer(2, 0)]])
        #expect(!key.contains { $0.startsStream }, "the outgoing stream continues")
        #expect(!harness.selector.awaitsKeyframe)
        #expect(harness.undecodable(Array((down + waiting + [key]).joined())).isEmpty)
    }

    /// L3T3_KEY: spatial layers share only key frames, so a spatial move (up, or down once the
    /// lower layer's T0 chain has moved on) waits for the next key frame, asking for it at once,
    /// and happens there. Meanwhile the receiver keeps its current layer.
    @Test func kSVCSpatialMoveWaitsForTheNextKeyFrame() throws {
        var harness = try SVCSelectorHarness(.l3t3Key)
        harness.selector.setTarget(spatial: 0, temporal: 2)
        try harness.temporalUnits(6)
        harness.selector.setTarget(spatial: 2, temporal: 2)
        #expect(harness.selector.awaitsKeyframe, "known as soon as the target is set, so allocation asks at once")
        let waiting = try harness.temporalUnits(8)
        #expect(waiting.joined().filter { $0.isForwarded }.allSatisfy { $0.frame.spatialID == 0 })
        #expect(waiting.joined().contains { $0.isForwarded })
        #expect(harness.selector.awaitsKeyframe)
        harness.encoder.requestKeyFrame()
        let key = try harness.temporalUnit()
        #expect(Self.forwarded([key]) == [[Layer(0, 0), Layer(1, 0), Layer(2, 0)]])
        #expect(!harness.selector.awaitsKeyframe)
        let up = try harness.temporalUnits(5)
        #expect(Self.forwarded(up) == [[Layer(2, 2)], [Layer(2, 1)], [Layer(2, 2)], [Layer(2, 0)], [Layer(2, 2)]])

        harness.selector.setTarget(spatial: 0, temporal: 2)
        #expect(harness.selector.awaitsKeyframe)
        let stay = try harness.temporalUnits(8)
        #expect(stay.joined().filter { $0.isForwarded }.allSatisfy { $0.frame.spatialID == 2 })
        harness.encoder.requestKeyFrame()
        let back = try harness.temporalUnits(3)
        #expect(Self.forwarded(back) == [[Layer(0, 0)], [Layer(0, 2)], [Layer(0, 1)]])
        #expect(!harness.selector.awaitsKeyframe)
        #expect(harness.undecodable(Array((waiting + [key] + up + stay + back).joined())).isEmpty)
    }

    // MARK: - Marker

    /// In every temporal unit the receiver gets anything of, exactly one packet gets the marker:
    /// the last packet of its highest forwarded layer frame.
    @Test(arguments: AV1ScalabilityMode.allCases)
    func markerEndsTheLastForwardedFrameOfEachTemporalUnit(mode: AV1ScalabilityMode) throws {
        for target in Self.targets(of: mode) {
            var harness = try SVCSelectorHarness(mode)
            harness.selector.setTarget(spatial: target.spatial, temporal: target.temporal)
            for unit in try harness.temporalUnits(9) {
                let forwarded = unit.filter { $0.isForwarded }
                let marked = forwarded.flatMap { $0.markers }
                guard let last = forwarded.last else { continue }
                #expect(marked.filter { $0 }.count == 1, "\(mode) \(target)")
                #expect(last.markers.last == true, "\(mode) \(target): \(last.layer)")
                #expect(last.frame.spatialID == target.spatial, "\(mode) \(target)")
            }
        }
    }

    // MARK: - Structure changes

    /// A key frame with a new structure renumbers the decode targets: the receiver restarts there,
    /// on the same outgoing stream (no new begin), at the layers nearest its target.
    @Test func aNewStructureRestartsAtItsKeyFrameOnTheSameStream() throws {
        var harness = try SVCSelectorHarness(.l3t3Key)
        harness.selector.setTarget(spatial: 1, temporal: 1)
        let first = try harness.temporalUnits(6)
        #expect(first.joined().filter { $0.startsStream }.count == 1)
        #expect(harness.stream.generation == 1)

        harness.encoder.replaceStructure(try AV1Structures.l3t3Key(offset: 20, resolutions: AV1Structures.resolutions720p))
        let key = try harness.temporalUnit()
        #expect(harness.stream.generation == 2)
        #expect(Self.forwarded([key]) == [[Layer(0, 0), Layer(1, 0)]])
        #expect(key[0].verdicts.first == .forward(switched: false))
        #expect(Self.forwarded(try harness.temporalUnits(4)) == [[], [Layer(1, 1)], [], [Layer(1, 0)]])

        // The sender falls back to one spatial layer: S0 up to T1 is what remains of S1T1.
        harness.encoder = try AV1EncoderPattern(mode: .l1t3, firstFrameNumber: harness.encoder.nextFrameNumber)
        let single = try harness.temporalUnits(5)
        #expect(harness.stream.generation == 3)
        #expect(Self.forwarded(single) == [[Layer(0, 0)], [], [Layer(0, 1)], [], [Layer(0, 0)]])
        #expect(single[0][0].verdicts.first == .forward(switched: false))
        #expect(!single.joined().contains { $0.startsStream })
    }

    // MARK: - Active decode targets

    /// Full SVC: the sender stops HD; the receiver of HD moves to VGA at once, its marker with it.
    @Test func fewerActiveTargetsMoveFullSVCDownAtOnce() throws {
        var harness = try SVCSelectorHarness(.l3t3)
        harness.selector.setTarget(spatial: 2, temporal: 2)
        try harness.temporalUnits(5)
        harness.encoder.activeDecodeTargets = 0b1_1111_1000  // VGA and QVGA
        let units = try harness.temporalUnits(4)
        #expect(Self.forwarded(units) == [
            [Layer(0, 2), Layer(1, 2)], [Layer(0, 1), Layer(1, 1)], [Layer(0, 2), Layer(1, 2)], [Layer(0, 0), Layer(1, 0)],
        ])
        #expect(units.allSatisfy { $0.last?.markers.last == true })
        #expect(!harness.selector.awaitsKeyframe)
        #expect(Layer(harness.selector.currentSpatial, harness.selector.currentTemporal) == Layer(1, 2))
    }

    /// L3T3_KEY: the sender stops T2; the receiver keeps S1 at T0 and T1 without a pause.
    @Test func fewerActiveTemporalTargetsMoveDownAtOnce() throws {
        var harness = try SVCSelectorHarness(.l3t3Key)
        harness.selector.setTarget(spatial: 1, temporal: 2)
        try harness.temporalUnits(5)
        harness.encoder.activeDecodeTargets = 0b0_1101_1011  // no T2 target
        let units = try harness.temporalUnits(4)
        #expect(Self.forwarded(units) == [[], [Layer(1, 1)], [], [Layer(1, 0)]])
        #expect(Layer(harness.selector.currentSpatial, harness.selector.currentTemporal) == Layer(1, 1))
        #expect(!harness.selector.awaitsKeyframe)
    }

    /// L3T3_KEY: the sender stops S2; its receiver needs S1's key frame to move down, and asks.
    @Test func fewerActiveSpatialTargetsInKSVCWaitForAKeyFrame() throws {
        var harness = try SVCSelectorHarness(.l3t3Key)
        harness.selector.setTarget(spatial: 2, temporal: 2)
        try harness.temporalUnits(6)
        harness.encoder.activeDecodeTargets = 0b0_0011_1111  // no S2 target
        let waiting = try harness.temporalUnits(4)
        #expect(!waiting.joined().contains { $0.isForwarded })
        #expect(harness.selector.awaitsKeyframe)
        harness.encoder.requestKeyFrame()
        let units = try harness.temporalUnits(3)
        #expect(Self.forwarded(units) == [[Layer(0, 0), Layer(1, 0)], [Layer(1, 2)], [Layer(1, 1)]])
        #expect(!harness.selector.awaitsKeyframe)
    }

    // MARK: - Targets outside the layers

    /// Above every layer: the top decode target.
    @Test func aTargetAboveEveryLayerGetsTheTop() throws {
        var harness = try SVCSelectorHarness(.l3t3Key)
        harness.selector.setTarget(spatial: 3, temporal: 7)
        let units = try harness.temporalUnits(5)
        #expect(Self.forwarded(units) == [[Layer(0, 0), Layer(1, 0), Layer(2, 0)], [Layer(2, 2)], [Layer(2, 1)], [Layer(2, 2)], [Layer(2, 0)]])
        #expect(Layer(harness.selector.currentSpatial, harness.selector.currentTemporal) == Layer(2, 2))
    }

    /// Below every layer (S3T3 without its S0 targets): the lowest one, so the source stays visible.
    @Test func aTargetBelowEveryLayerGetsTheLowest() throws {
        var harness = try SVCSelectorHarness(.s3t3)
        harness.encoder.activeDecodeTargets = 0b1_1111_1000  // S1 and S2 only
        harness.selector.setTarget(spatial: 0, temporal: 0)
        let units = try harness.temporalUnits(5)
        #expect(Self.forwarded(units) == [[Layer(1, 0)], [], [], [], [Layer(1, 0)]])
        #expect(units[0].first { $0.isForwarded }?.startsStream == true)
        #expect(Layer(harness.selector.currentSpatial, harness.selector.currentTemporal) == Layer(1, 0))
    }

    // MARK: - Stopping

    /// A stopped selector sees nothing, not even key frames; forwarding again begins a new stream
    /// at a key frame.
    @Test func aStoppedSelectorIgnoresEverything() throws {
        var harness = try SVCSelectorHarness(.l3t3Key)
        harness.selector.setTarget(spatial: 1, temporal: 1)
        try harness.temporalUnits(3)
        harness.selector.stop()
        #expect(!harness.selector.isForwarding && !harness.selector.awaitsKeyframe)
        #expect(try harness.temporalUnits(5).joined().allSatisfy { $0.isIgnored })
        harness.encoder.requestKeyFrame()
        #expect(try harness.temporalUnits(3).joined().allSatisfy { $0.isIgnored })

        harness.selector.setTarget(spatial: 1, temporal: 1)
        #expect(harness.selector.awaitsKeyframe)
        #expect(try harness.temporalUnits(3).joined().allSatisfy { $0.isIgnored })
        harness.encoder.requestKeyFrame()
        let key = try harness.temporalUnit()
        #expect(key[0].startsStream)
    }
}

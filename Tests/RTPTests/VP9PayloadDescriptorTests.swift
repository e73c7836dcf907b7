import Testing

@testable import RTP

@Suite struct VP9PayloadDescriptorTests {
    /// An L1T3-style picture group: TL0 references the previous TL0 (4 back), the TL2 pictures the
    /// one before them, TL1 the TL0 two back.
    static let l1t3Group = [
        VP9TestPictureGroupEntry(tid: 0, switchingUp: false, references: [4]),
        VP9TestPictureGroupEntry(tid: 2, switchingUp: true, references: [1]),
        VP9TestPictureGroupEntry(tid: 1, switchingUp: true, references: [2]),
        VP9TestPictureGroupEntry(tid: 2, switchingUp: false, references: [1]),
    ]

    /// A key picture's first packet, written out bit by bit from the RFC 9628 layout:
    /// I L B V, 15-bit PictureID 0x1234, TID 0 SID 0, TL0PICIDX 5, SS with 3 spatial layers,
    /// Y = 1 (320x180, 640x360, 1280x720), G = 1 with the L1T3 group.
    static let keyframeWithSS = hex(
        """
        AA  92 34  00  05
        58  01 40 00 B4  02 80 01 68  05 00 02 D0
        04  04 04  54 01  34 02  44 01
        """)

    @Test(arguments: [UInt16(0), 1, 0x55, 0x7F])
    func sevenBitPictureID(_ value: UInt16) throws {
        let d = try parseVP9(vp9Payload(pictureID: value, longPictureID: false))
        #expect(d.pictureID == value && !d.hasLongPictureID && d.pictureIDOffset == 1 && d.length == 2)
    }

    @Test(arguments: [UInt16(0), 0x7F, 0x80, 0x1234, 0x7FFF])
    func fifteenBitPictureID(_ value: UInt16) throws {
        let d = try parseVP9(vp9Payload(pictureID: value))
        #expect(d.pictureID == value && d.hasLongPictureID && d.pictureIDOffset == 1 && d.length == 3)
    }

    /// Only the first byte: every optional field reads as absent, and the flags read back one by one.
    @Test func flagsAlone() throws {
        let none = try parseVP9(hex("00"))
        #expect(none.length == 1 && none.pictureID == nil && none.temporalLayerID == nil && none.spatialLayerID == nil)
        #expect(none.tl0PicIdx == nil && none.referenceCount == 0 && none.scalabilityStructure == nil)
        #expect(!none.isStartOfFrame && !none.isEndOfFrame && !none.isKeyframeStart)
        let d = try parseVP9(hex("4D"))  // P B E Z
        #expect(d.isInterPicturePredicted && d.isStartOfFrame && d.isEndOfFrame && d.isNotReferenceForUpperSpatialLayers)
        #expect(!d.hasPictureID && !d.hasLayerIndices && !d.isFlexibleMode && !d.hasScalabilityStructure)
        #expect(!d.isKeyframeStart && d.length == 1)
    }

    /// Non-flexible mode with layer indices: I P L B E, 7-bit PictureID 0x21, TID 2 U SID 1 D,
    /// TL0PICIDX 200.
    @Test func nonFlexibleModeWithLayerIndicesAndTL0PicIdx() throws {
        let d = try parseVP9(hex("EC 21 53 C8  AB CD"))
        #expect(d.pictureID == 0x21 && !d.hasLongPictureID)
        #expect(d.temporalLayerID == 2 && d.isSwitchingUp && d.spatialLayerID == 1 && d.isInterLayerDependent)
        #expect(d.tl0PicIdx == 200 && d.tl0PicIdxOffset == 3 && d.length == 4)
        #expect(d.referenceCount == 0 && d.referenceIndex(at: 0) == nil && !d.isKeyframeStart)
        let built = vp9Payload(
            predicted: true, pictureID: 0x21, longPictureID: false, layers: (2, true, 1, true), tl0PicIdx: 200)
        #expect(built == hex("EC 21 53 C8  AB CD"))
    }

    /// Flexible mode: I P L F B, 15-bit PictureID 0x7FFF, TID 1, then P_DIFFs 1, 2, 127 chained by N.
    @Test func flexibleModeWithThreeReferences() throws {
        let d = try parseVP9(hex("F8 FF FF 20  03 05 FE  AB"))
        #expect(d.isFlexibleMode && d.pictureID == 0x7FFF && d.temporalLayerID == 1 && d.spatialLayerID == 0)
        #expect(d.tl0PicIdx == nil && d.referenceCount == 3 && d.length == 7)
        #expect(d.referenceIndex(at: 0) == 1 && d.referenceIndex(at: 1) == 2 && d.referenceIndex(at: 2) == 127)
        #expect(d.referenceIndex(at: 3) == nil && d.referenceIndex(at: -1) == nil)
    }

    @Test(arguments: [[UInt8(1)], [3, 9], [1, 2, 127]])
    func flexibleModeReferenceCounts(_ references: [UInt8]) throws {
        let payload = vp9Payload(predicted: true, flexible: true, pictureID: 300, layers: (0, false, 0, false), references: references)
        let d = try parseVP9(payload)
        #expect(d.referenceCount == references.count && d.length == 4 + references.count)
        #expect((0..<references.count).map { d.referenceIndex(at: $0) } == references)
        #expect(d.tl0PicIdx == nil)
    }

    /// Flexible mode carries P_DIFFs only for predicted pictures; without L neither TL0PICIDX nor
    /// layer indices are present.
    @Test func flexibleModeWithoutPredictionOrLayers() throws {
        let intra = try parseVP9(vp9Payload(flexible: true, pictureID: 9, layers: (0, false, 0, false)))
        #expect(intra.referenceCount == 0 && intra.length == 4 && intra.isKeyframeStart)
        let noLayers = try parseVP9(vp9Payload(predicted: true, flexible: true, pictureID: 9, references: [5]))
        #expect(noLayers.temporalLayerID == nil && noLayers.referenceIndex(at: 0) == 5 && noLayers.length == 4)
    }

    @Test func inconsistentFlexibleModeIsRefused() {
        // A fourth P_DIFF: the third one's N bit is set.
        let four = vp9Payload(predicted: true, flexible: true, pictureID: 1, references: [1, 2, 3], extraReference: true)
        #expect(parseVP9Outcome(four) == .failure(.tooManyReferenceIndices))
        // F without I.
        #expect(parseVP9Outcome(hex("58 03 AB")) == .failure(.flexibleModeWithoutPictureID))
    }

    @Test func keyframeWithScalabilityStructure() throws {
        let payload = Self.keyframeWithSS + [0xAB, 0xCD]
        let d = try parseVP9(payload)
        #expect(d.isKeyframeStart && d.pictureID == 0x1234 && d.tl0PicIdx == 5 && d.length == Self.keyframeWithSS.count)
        let ss = try #require(d.scalabilityStructure)
        #expect(ss.spatialLayerCount == 3 && ss.hasResolutions && ss.hasPictureGroup && ss.length == 22)
        #expect(ss.resolution(ofSpatialLayer: 0)! == (320, 180))
        #expect(ss.resolution(ofSpatialLayer: 1)! == (640, 360))
        #expect(ss.resolution(ofSpatialLayer: 2)! == (1280, 720))
        #expect(ss.resolution(ofSpatialLayer: 3) == nil && ss.resolution(ofSpatialLayer: -1) == nil)
        #expect(ss.pictureGroupCount == 4 && ss.storedPictureGroupCount == 4 && ss.isPictureGroupComplete)
        for (index, expected) in Self.l1t3Group.enumerated() {
            let entry = try #require(ss.pictureGroupEntry(at: index))
            #expect(entry.temporalLayerID == expected.tid && entry.isSwitchingUp == expected.switchingUp)
            #expect(entry.referenceCount == 1 && entry.referenceIndex(at: 0) == expected.references[0])
            #expect(entry == VP9PictureGroupEntry(temporalLayerID: expected.tid, isSwitchingUp: expected.switchingUp, referenceIndices: expected.references))
        }
        #expect(ss.pictureGroupEntry(at: 4) == nil)
        // The builder writes the same bytes as the hand-written vector.
        let built = vp9Payload(
            end: false, pictureID: 0x1234, layers: (0, false, 0, false), tl0PicIdx: 5,
            scalabilityStructure: vp9ScalabilityStructure(
                spatialLayers: 3, resolutions: [(320, 180), (640, 360), (1280, 720)], pictureGroup: Self.l1t3Group))
        #expect(built == payload)
    }

    /// SS variants: no resolutions and no group; G with N_G = 0; all 8 spatial layers; entries
    /// with 0 and 3 references.
    @Test func scalabilityStructureVariants() throws {
        let bare = try #require(try parseVP9(vp9Payload(scalabilityStructure: [0x40])).scalabilityStructure)
        #expect(bare.spatialLayerCount == 3 && !bare.hasResolutions && !bare.hasPictureGroup && bare.length == 1)
        #expect(bare.resolution(ofSpatialLayer: 0) == nil && bare.pictureGroupCount == 0)

        let emptyGroup = try #require(try parseVP9(vp9Payload(scalabilityStructure: [0x08, 0x00])).scalabilityStructure)
        #expect(emptyGroup.hasPictureGroup && emptyGroup.pictureGroupCount == 0 && emptyGroup.length == 2)

        let eight: [(UInt16, UInt16)] = (0..<8).map { (layer: Int) -> (UInt16, UInt16) in
            (UInt16(160 << layer), UInt16(90 * (layer + 1)))
        }
        let wide = vp9ScalabilityStructure(
            spatialLayers: 8, resolutions: eight,
            pictureGroup: [.init(tid: 0, switchingUp: false, references: []), .init(tid: 7, switchingUp: true, references: [1, 2, 255])])
        let d = try parseVP9(vp9Payload(pictureID: 1, scalabilityStructure: wide))
        let ss = try #require(d.scalabilityStructure)
        #expect(ss.spatialLayerCount == 8 && ss.length == wide.count && d.length == 3 + wide.count)
        for layer in 0..<8 {
            let resolution = ss.resolution(ofSpatialLayer: layer)
            #expect(resolution?.width == eight[layer].0 && resolution?.height == eight[layer].1)
        }
        #expect(ss.pictureGroupEntry(at: 0)?.referenceCount == 0)
        let last = try #require(ss.pictureGroupEntry(at: 1))
        #expect(last.temporalLayerID == 7 && last.isSwitchingUp && last.referenceCount == 3)
        #expect(last.referenceIndex(at: 2) == 255 && last.referenceIndex(at: 3) == nil)
    }

    /// A group longer than the inline storage is parsed to its end but only its first entries kept.
    @Test func pictureGroupBeyondCapacityIsSkippedNotRefused() throws {
        let count = VP9ScalabilityStructure.pictureGroupCapacity + 5
        let group = (0..<count).map { VP9TestPictureGroupEntry(tid: UInt8($0 % 3), switchingUp: false, references: [UInt8($0 + 1), 2]) }
        let bytes = vp9ScalabilityStructure(spatialLayers: 1, pictureGroup: group)
        let d = try parseVP9(vp9Payload(scalabilityStructure: bytes))
        let ss = try #require(d.scalabilityStructure)
        #expect(ss.pictureGroupCount == count && ss.storedPictureGroupCount == VP9ScalabilityStructure.pictureGroupCapacity)
        #expect(!ss.isPictureGroupComplete && ss.length == bytes.count && d.length == 1 + bytes.count)
        #expect(ss.pictureGroupEntry(at: VP9ScalabilityStructure.pictureGroupCapacity - 1)?.referenceIndex(at: 0) == 16)
        #expect(ss.pictureGroupEntry(at: VP9ScalabilityStructure.pictureGroupCapacity) == nil)
    }

    /// Only the start of the base spatial layer of an intra picture is a key-frame start.
    @Test func keyframeDetection() throws {
        #expect(try parseVP9(vp9Payload(pictureID: 1)).isKeyframeStart)
        #expect(try parseVP9(vp9Payload(pictureID: 1, layers: (0, false, 0, false))).isKeyframeStart)
        #expect(try !parseVP9(vp9Payload(predicted: true, pictureID: 1)).isKeyframeStart)
        #expect(try !parseVP9(vp9Payload(start: false, pictureID: 1)).isKeyframeStart)
        let upper = try parseVP9(vp9Payload(pictureID: 1, layers: (0, false, 2, true)))
        #expect(!upper.isKeyframeStart && upper.spatialLayerID == 2 && upper.isInterLayerDependent)
    }

    /// Every strict prefix of a full descriptor fails with the error for the field it cuts, and the
    /// full descriptor parses: no length of input makes the parser read past the end.
    @Test func everyTruncationOfTheKeyframeDescriptorFails() throws {
        let full = Self.keyframeWithSS
        var expected: [VP9ParseError] = [.empty, .pictureIDTruncated, .pictureIDTruncated, .layerIndicesTruncated, .tl0PicIdxTruncated, .scalabilityStructureTruncated]
        expected += Array(repeating: .resolutionTruncated, count: 12)
        expected += Array(repeating: .pictureGroupTruncated, count: 9)
        #expect(expected.count == full.count)
        for length in 0..<full.count {
            #expect(parseVP9Outcome(Array(full.prefix(length))) == .failure(expected[length]), "prefix \(length)")
        }
        #expect(try parseVP9(full).length == full.count)
    }

    @Test func everyTruncationOfAFlexibleDescriptorFails() throws {
        let full = vp9Payload(
            predicted: true, flexible: true, pictureID: 0x4321, layers: (1, true, 1, true), references: [1, 2, 3],
            scalabilityStructure: vp9ScalabilityStructure(spatialLayers: 2, resolutions: [(640, 360), (1280, 720)]),
            body: [])
        var expected: [VP9ParseError] = [.empty, .pictureIDTruncated, .pictureIDTruncated, .layerIndicesTruncated]
        expected += Array(repeating: .referenceIndexTruncated, count: 3)
        expected += [.scalabilityStructureTruncated] + Array(repeating: .resolutionTruncated, count: 8)
        #expect(expected.count == full.count)
        for length in 0..<full.count {
            #expect(parseVP9Outcome(Array(full.prefix(length))) == .failure(expected[length]), "prefix \(length)")
        }
        let d = try parseVP9(full)
        #expect(d.length == full.count && d.referenceCount == 3 && d.scalabilityStructure?.spatialLayerCount == 2)
        let short = vp9Payload(pictureID: 5, longPictureID: false, body: [])
        #expect(parseVP9Outcome(Array(short.prefix(1))) == .failure(.pictureIDTruncated))
    }

    /// Random bytes at every length up to 40, with the flag byte drawn in full: each parses or
    /// throws a `VP9ParseError`, a parsed view stays inside its input, and the bytes it covers
    /// alone parse to the same view.
    @Test func hostileBytesNeverTrap() {
        var generator = SeededGenerator(seed: 9628)
        var parsed = 0
        for round in 0..<50_000 {
            let length = round % 41
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            guard case .success(let d) = parseVP9Outcome(bytes) else { continue }
            parsed += 1
            #expect(d.length >= 1 && d.length <= bytes.count)
            #expect(d.pictureID.map { $0 <= (d.hasLongPictureID ? 0x7FFF : 0x7F) } ?? true)
            #expect(d.referenceCount <= 3 && (d.referenceCount == 0 || (d.isFlexibleMode && d.isInterPicturePredicted)))
            #expect(d.tl0PicIdx == nil || (!d.isFlexibleMode && d.tl0PicIdxOffset < d.length))
            if let ss = d.scalabilityStructure {
                #expect(ss.spatialLayerCount >= 1 && ss.spatialLayerCount <= 8 && ss.length < d.length)
            }
            #expect(parseVP9Outcome(Array(bytes.prefix(d.length))) == .success(d))
        }
        #expect(parsed > 10_000)
    }
}

import Testing

@testable import RTP

@Suite struct VP8PayloadDescriptorTests {
    @Test(arguments: [UInt16(0), 1, 0x7F])
    func sevenBitPictureID(_ value: UInt16) throws {
        let d = try parseVP8(vp8Payload(pictureID: value, longPictureID: false))
        #expect(d.pictureID == value && !d.hasLongPictureID && d.length == 3)
    }

    @Test(arguments: [UInt16(0), 0x7F, 0x80, 0x1234, 0x7FFF])
    func fifteenBitPictureID(_ value: UInt16) throws {
        let d = try parseVP8(vp8Payload(pictureID: value))
        #expect(d.pictureID == value && d.hasLongPictureID && d.length == 4)
    }

    /// Each optional field on its own: the others read as absent and the offsets follow the layout.
    @Test func missingExtensionsReadAsAbsent() throws {
        let tl0Only = try parseVP8(vp8Payload(tl0PicIdx: 9))
        #expect(tl0Only.pictureID == nil && tl0Only.tl0PicIdx == 9 && tl0Only.tl0PicIdxOffset == 2 && tl0Only.length == 3)
        let tidOnly = try parseVP8(vp8Payload(temporalLayerID: 1))
        #expect(tidOnly.pictureID == nil && tidOnly.tl0PicIdx == nil && tidOnly.temporalLayerID == 1 && tidOnly.length == 3)
        let pictureAndTID = try parseVP8(vp8Payload(pictureID: 300, temporalLayerID: 2, layerSync: true))
        #expect(pictureAndTID.tl0PicIdx == nil && pictureAndTID.temporalLayerID == 2 && pictureAndTID.isLayerSync)
        #expect(pictureAndTID.length == 5 && pictureAndTID.keyIndex == nil)
        // X set with an all-zero extension byte: legal, carries nothing.
        let emptyExtension = try parseVP8(hex("90 00  11 00 00"))
        #expect(emptyExtension.hasExtension && emptyExtension.pictureID == nil && emptyExtension.length == 2)
    }

    /// What Chrome sends with temporal layers: 15-bit PictureID, TL0PICIDX, TID and Y.
    @Test func chromeTemporalLayerDescriptor() throws {
        let d = try parseVP8(vp8Payload(pictureID: 0x2345, tl0PicIdx: 200, temporalLayerID: 1, layerSync: true))
        #expect(d.pictureID == 0x2345 && d.pictureIDOffset == 2 && d.tl0PicIdx == 200 && d.tl0PicIdxOffset == 4)
        #expect(d.temporalLayerID == 1 && d.isLayerSync && d.length == 6)
    }

    @Test func keyframeDetection() throws {
        #expect(try parseVP8(vp8Payload(pictureID: 1, keyframe: true)).isKeyframeStart)
        #expect(try !parseVP8(vp8Payload(pictureID: 1, keyframe: false)).isKeyframeStart)
        // The P bit is read only at a frame start: S=1 and PID=0.
        #expect(try !parseVP8(vp8Payload(start: false, pictureID: 1, body: [0x10, 0, 0])).isKeyframeStart)
        #expect(try !parseVP8(vp8Payload(start: true, partition: 2, pictureID: 1, body: [0x10, 0, 0])).isKeyframeStart)
        // N, TID and the other header bits do not matter, only P.
        #expect(try parseVP8(hex("B0 A0 80 05 00  FE 00 00")).isKeyframeStart)
        #expect(try !parseVP8(hex("B0 A0 80 05 00  FF 00 00")).isKeyframeStart)
    }

    /// A frame start must carry at least the first payload-header byte, or the key-frame bit is unknown.
    @Test func frameStartWithoutPayloadHeaderIsRefused() throws {
        #expect(throws: VP8ParseError.payloadHeaderMissing) { try parseVP8(hex("90 80 11")) }
        #expect(throws: VP8ParseError.payloadHeaderMissing) { try parseVP8(hex("10")) }
        // Not a frame start: a descriptor alone is a (useless but) well-formed payload.
        #expect(try parseVP8(hex("80 80 11")).length == 3)
    }

    /// Every strict prefix of a descriptor with every field fails with the error for the field it
    /// cuts, and the full payload parses: no length of input can make the parser read past the end.
    @Test func everyTruncationFailsWithATypedError() throws {
        let full = vp8Payload(pictureID: 0x1234, tl0PicIdx: 7, temporalLayerID: 1, keyIndex: 3, keyframe: true)
        let expected: [VP8ParseError] = [
            .empty, .extensionTruncated, .pictureIDTruncated, .pictureIDTruncated,
            .tl0PicIdxTruncated, .temporalKeyIndexTruncated, .payloadHeaderMissing,
        ]
        for length in 0..<expected.count {
            #expect(parseOutcome(Array(full.prefix(length))) == .failure(expected[length]), "prefix \(length)")
        }
        for length in expected.count...full.count {
            #expect(try parseVP8(Array(full.prefix(length))).isKeyframeStart, "prefix \(length)")
        }
        let short = vp8Payload(pictureID: 5, longPictureID: false)
        #expect(parseOutcome(Array(short.prefix(2))) == .failure(.pictureIDTruncated))
        #expect(parseOutcome(Array(short.prefix(3))) == .failure(.payloadHeaderMissing))
    }

    /// Random bytes, including every flag combination at every length up to 12: each parses or
    /// throws a `VP8ParseError`, and a parsed view stays inside its input.
    @Test func hostileBytesNeverTrap() {
        var generator = SeededGenerator(seed: 7741)
        var parsed = 0
        for round in 0..<50_000 {
            let length = round % 13
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            guard case .success(let d) = parseOutcome(bytes) else { continue }
            parsed += 1
            #expect(d.length >= 1 && d.length <= min(6, bytes.count))
            #expect(d.pictureID.map { $0 <= (d.hasLongPictureID ? 0x7FFF : 0x7F) } ?? true)
            #expect(d.pictureID == nil || (d.pictureIDOffset == 2 && d.pictureIDOffset < d.length))
            #expect(d.tl0PicIdx == nil || (d.tl0PicIdxOffset >= 2 && d.tl0PicIdxOffset < d.length))
            #expect(!d.isStartOfFrame || d.length < bytes.count)
        }
        #expect(parsed > 10_000)
    }
}

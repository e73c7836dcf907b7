import Testing

@testable import RTP

/// RFC 6386 §9.1: the key-frame header after the RFC 7741 payload descriptor.
@Suite struct VP8KeyframeHeaderTests {
    /// A frame tag and (for key frames) start code and size, built field by field.
    static func header(
        keyframe: Bool = true, version: UInt8 = 0, show: Bool = true, firstPartitionSize: UInt32 = 0x1234,
        width: UInt16, height: UInt16, horizontalScale: UInt16 = 0, verticalScale: UInt16 = 0
    ) -> [UInt8] {
        let tag = (keyframe ? 0 : 1) | UInt32(version) << 1 | (show ? 0x10 : 0) | firstPartitionSize << 5
        var bytes: [UInt8] = [UInt8(tag & 0xFF), UInt8(tag >> 8 & 0xFF), UInt8(tag >> 16 & 0xFF)]
        guard keyframe else { return bytes }
        let w = width | horizontalScale << 14
        let h = height | verticalScale << 14
        bytes += [0x9D, 0x01, 0x2A, UInt8(w & 0xFF), UInt8(w >> 8), UInt8(h & 0xFF), UInt8(h >> 8)]
        return bytes
    }

    static func parse(_ bytes: [UInt8]) throws(VP8KeyframeHeaderError) -> VP8KeyframeHeader {
        try outcome(bytes).get()
    }

    static func outcome(_ bytes: [UInt8]) -> Result<VP8KeyframeHeader, VP8KeyframeHeaderError> {
        bytes.withUnsafeBytes { raw in
            do throws(VP8KeyframeHeaderError) { return .success(try VP8KeyframeHeader(parsing: raw)) } catch { return .failure(error) }
        }
    }

    @Test(arguments: [(1280, 720), (320, 180), (640, 360), (1920, 1080), (180, 320), (1, 1), (16383, 16383)])
    func dimensions(_ size: (Int, Int)) throws {
        let header = try Self.parse(Self.header(width: UInt16(size.0), height: UInt16(size.1)) + [0xAA, 0xBB])
        #expect(header.width == size.0 && header.height == size.1)
        #expect(header.horizontalScale == 0 && header.verticalScale == 0)
        #expect(header.smallerDimension == min(size.0, size.1))
    }

    /// 1280 × 720 spelled out: tag 0x10 0x00 0x00 would be a 0-byte first partition; here 0x1234.
    @Test func handBuilt720p() throws {
        let bytes: [UInt8] = [0x90, 0x46, 0x02, 0x9D, 0x01, 0x2A, 0x00, 0x05, 0xD0, 0x02]
        let header = try Self.parse(bytes)
        #expect(header.width == 1280 && header.height == 720 && header.horizontalScale == 0 && header.verticalScale == 0)
        #expect(header.version == 0 && header.showFrame && header.firstPartitionSize == 0x1234)
        #expect(bytes == Self.header(width: 1280, height: 720))
    }

    @Test func scaleVersionShowFrameAndPartitionSize() throws {
        let header = try Self.parse(Self.header(
            version: 3, show: false, firstPartitionSize: 0x7FFFF, width: 320, height: 180, horizontalScale: 2, verticalScale: 3))
        #expect(header.width == 320 && header.height == 180)
        #expect(header.horizontalScale == 2 && header.verticalScale == 3)
        #expect(header.version == 3 && !header.showFrame && header.firstPartitionSize == 0x7FFFF)
    }

    @Test func errors() {
        #expect(Self.outcome([]) == .failure(.frameTagTruncated))
        #expect(Self.outcome([0x10, 0x00]) == .failure(.frameTagTruncated))
        #expect(Self.outcome(Self.header(keyframe: false, width: 0, height: 0) + Array(repeating: 0, count: 20)) == .failure(.notKeyframe))
        #expect(Self.outcome([0x10, 0x00, 0x00]) == .failure(.keyframeHeaderTruncated))
        var badStart = Self.header(width: 640, height: 360)
        badStart[5] = 0x2B
        #expect(Self.outcome(badStart) == .failure(.invalidStartCode))
        #expect(Self.outcome(Self.header(width: 0, height: 360)) == .failure(.zeroDimension))
        // A scale code alone is not a size.
        #expect(Self.outcome(Self.header(width: 0, height: 360, horizontalScale: 1)) == .failure(.zeroDimension))
        #expect(Self.outcome(Self.header(width: 640, height: 0)) == .failure(.zeroDimension))
    }

    /// Every strict prefix of a key-frame header fails with a typed error and never reads past the end.
    @Test func everyTruncationFails() {
        let full = Self.header(width: 1280, height: 720)
        forEachTruncation(of: full) { bytes, length in
            let result: Result<VP8KeyframeHeader, VP8KeyframeHeaderError>
            do throws(VP8KeyframeHeaderError) { result = .success(try VP8KeyframeHeader(parsing: bytes)) } catch { result = .failure(error) }
            #expect(result == .failure(length < 3 ? .frameTagTruncated : .keyframeHeaderTruncated))
        }
    }

    /// Random bytes: parsing either succeeds with sizes in range or throws, never traps.
    @Test func randomInputNeverTraps() {
        var generator = SeededGenerator(seed: 0x5B8)
        var parsed = 0
        for _ in 0..<20_000 {
            var bytes = (0..<Int.random(in: 0...14, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }
            if bytes.count >= 6, Bool.random(using: &generator) {
                bytes[0] &= 0xFE
                bytes[3] = 0x9D; bytes[4] = 0x01; bytes[5] = 0x2A
            }
            if case .success(let header) = Self.outcome(bytes) {
                parsed += 1
                #expect((1...16383).contains(header.width) && (1...16383).contains(header.height))
            }
        }
        #expect(parsed > 1000)
    }

    /// From a whole RTP payload: the descriptor says where the VP8 payload starts.
    @Test func fromRTPPayloadWithDescriptor() throws {
        // vp8Payload builds a 640 × 360 key frame after a 4-byte descriptor with a 15-bit PictureID.
        let keyframe = vp8Payload(pictureID: 77, keyframe: true)
        let size = try keyframe.withUnsafeBytes { raw in
            let descriptor = try VP8PayloadDescriptor(parsing: raw)
            let header = try VP8KeyframeHeader(rtpPayload: raw, descriptor: descriptor)
            return (header.width, header.height)
        }
        #expect(size.0 == 640 && size.1 == 360)

        let custom = vp8Payload(pictureID: 5, tl0PicIdx: 3, temporalLayerID: 0, keyframe: false, body: [])
        // Replace the inter-frame tag the helper wrote with a 320 × 180 key frame.
        let descriptorLength = try parseVP8(custom).length
        let payload = Array(custom.prefix(descriptorLength)) + Self.header(width: 320, height: 180)
        let header = try payload.withUnsafeBytes { raw in
            try VP8KeyframeHeader(rtpPayload: raw, descriptor: try VP8PayloadDescriptor(parsing: raw))
        }
        #expect(header.width == 320 && header.height == 180)

        let inter = vp8Payload(pictureID: 78, keyframe: false)
        #expect(throws: VP8KeyframeHeaderError.notKeyframe) {
            try inter.withUnsafeBytes { raw in
                try VP8KeyframeHeader(rtpPayload: raw, descriptor: try VP8PayloadDescriptor(parsing: raw))
            }
        }
        // A continuation packet has no payload header at all.
        let continuation = vp8Payload(start: false, pictureID: 77, body: Self.header(width: 320, height: 180))
        #expect(throws: VP8KeyframeHeaderError.notKeyframe) {
            try continuation.withUnsafeBytes { raw in
                try VP8KeyframeHeader(rtpPayload: raw, descriptor: try VP8PayloadDescriptor(parsing: raw))
            }
        }
        // A key-frame start whose header is cut after the tag.
        let cut = Array(vp8Payload(pictureID: 1, keyframe: true, body: []).prefix(Self.descriptorLength(pictureID: 1) + 5))
        #expect(throws: VP8KeyframeHeaderError.keyframeHeaderTruncated) {
            try cut.withUnsafeBytes { raw in
                try VP8KeyframeHeader(rtpPayload: raw, descriptor: try VP8PayloadDescriptor(parsing: raw))
            }
        }
    }

    static func descriptorLength(pictureID: UInt16) -> Int {
        (try? parseVP8(vp8Payload(pictureID: pictureID, keyframe: true)).length) ?? 0
    }
}

import Testing

@testable import RTP

/// RTP payloads in the shapes of RFC 7741 §4.6's examples, written out byte by byte from the §4.2
/// descriptor layout and the §4.3 payload header, then parsed.
@Suite struct VP8RFC7741Tests {
    /// §4.6.1 shape: a key frame in one packet. X=1 S=1 PID=0; I=1; 7-bit PictureID 17; then the
    /// payload header with P=0 (key frame), H=1, and the RFC 6386 §9.1 start code.
    static let keyframe = hex("90 80 11  10 00 00  9D 01 2A 80 02 68 01  AB CD")

    @Test func keyframeInOnePacket() throws {
        let d = try parseVP8(Self.keyframe)
        #expect(d.hasExtension && d.isStartOfPartition && d.partitionIndex == 0 && !d.isNonReference)
        #expect(d.pictureID == 17 && !d.hasLongPictureID && d.pictureIDOffset == 2)
        #expect(d.tl0PicIdx == nil && d.temporalLayerID == nil && d.keyIndex == nil && !d.isLayerSync)
        #expect(d.length == 3 && d.isStartOfFrame && d.isKeyframeStart)
    }

    /// §4.6.2 shape: an inter frame in one packet with no optional fields: X=0 S=1 PID=0, P=1.
    @Test func interFrameWithoutExtensions() throws {
        let d = try parseVP8(hex("10  11 00 00  AB CD"))
        #expect(!d.hasExtension && d.pictureID == nil && d.length == 1)
        #expect(d.isStartOfFrame && !d.isKeyframeStart)
    }

    /// §4.6.3 shape: one inter frame whose partitions go in three packets. Only the first carries
    /// the payload header; the second starts partition 1, the third continues it (S=0).
    @Test func partitionsInSeparatePackets() throws {
        let first = try parseVP8(hex("90 80 11  11 00 00  AB"))
        let second = try parseVP8(hex("91 80 11  00 CD"))  // a first byte with bit 0 clear is not a P bit here
        let third = try parseVP8(hex("81 80 11  00 EF"))
        #expect(first.isStartOfFrame && !first.isKeyframeStart)
        #expect(second.isStartOfPartition && second.partitionIndex == 1 && !second.isStartOfFrame && !second.isKeyframeStart)
        #expect(!third.isStartOfPartition && third.partitionIndex == 1 && !third.isKeyframeStart)
        #expect([first, second, third].allSatisfy { $0.pictureID == 17 && $0.length == 3 })
    }

    /// §4.6.4 shape: a 15-bit PictureID, 4711 = 0x1267: M=1 then the high 7 bits (0x92), low 8 (0x67).
    @Test func longPictureID() throws {
        let d = try parseVP8(hex("90 80 92 67  11 00 00  AB"))
        #expect(d.pictureID == 4711 && d.hasLongPictureID && d.pictureIDOffset == 2 && d.length == 4)
    }

    /// The §4.2 figure with every optional field: I (M=1), L, T and K. PictureID 0x7FFF,
    /// TL0PICIDX 0xFE, TID 2, Y=1, KEYIDX 0x15, N=1.
    @Test func everyOptionalField() throws {
        let d = try parseVP8(hex("B0 F0 FF FF FE B5  11 00 00"))
        #expect(d.isNonReference && d.pictureID == 0x7FFF && d.hasLongPictureID)
        #expect(d.tl0PicIdx == 0xFE && d.tl0PicIdxOffset == 4)
        #expect(d.temporalLayerID == 2 && d.isLayerSync && d.keyIndex == 0x15)
        #expect(d.length == 6 && !d.isKeyframeStart)
    }

    /// R bits and RSV bits MUST be ignored by receivers (§4.2).
    @Test func reservedBitsAreIgnored() throws {
        let clean = try parseVP8(hex("90 E0 81 23 07 40  10 00 00"))
        let dirty = try parseVP8(hex("D8 EF 81 23 07 40  10 00 00"))
        #expect(clean == dirty && dirty.partitionIndex == 0 && dirty.isKeyframeStart)
    }

    /// §4.2: with K set but T clear the TID/KEYIDX byte is present but TID and Y are ignored; with T
    /// set but K clear, KEYIDX is ignored.
    @Test func tidAndKeyIndexAreReadOnlyWhenFlagged() throws {
        let keyOnly = try parseVP8(hex("80 10 FF  AB"))
        #expect(keyOnly.temporalLayerID == nil && !keyOnly.isLayerSync && keyOnly.keyIndex == 0x1F && keyOnly.length == 3)
        let tidOnly = try parseVP8(hex("80 20 FF  AB"))
        #expect(tidOnly.temporalLayerID == 3 && tidOnly.isLayerSync && tidOnly.keyIndex == nil)
    }
}

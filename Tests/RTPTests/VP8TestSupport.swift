// Builds VP8 RTP payloads by hand from the RFC 7741 §4.2 layout, for the VP8 tests.

@testable import RTP

/// An RTP payload: the descriptor with the given fields, then (at a frame start) a VP8 payload
/// header whose P bit says key frame or not, then `body`.
func vp8Payload(
    start: Bool = true, partition: UInt8 = 0, nonReference: Bool = false,
    pictureID: UInt16? = nil, longPictureID: Bool = true, tl0PicIdx: UInt8? = nil,
    temporalLayerID: UInt8? = nil, layerSync: Bool = false, keyIndex: UInt8? = nil,
    keyframe: Bool = false, body: [UInt8] = [0xAB, 0xCD]
) -> [UInt8] {
    let hasExtension = pictureID != nil || tl0PicIdx != nil || temporalLayerID != nil || keyIndex != nil
    var bytes: [UInt8] = [(hasExtension ? 0x80 : 0) | (nonReference ? 0x20 : 0) | (start ? 0x10 : 0) | (partition & 0x07)]
    if hasExtension {
        bytes.append(
            (pictureID != nil ? 0x80 : 0) | (tl0PicIdx != nil ? 0x40 : 0) | (temporalLayerID != nil ? 0x20 : 0)
                | (keyIndex != nil ? 0x10 : 0))
    }
    if let pictureID {
        if longPictureID {
            bytes += [0x80 | UInt8((pictureID >> 8) & 0x7F), UInt8(pictureID & 0xFF)]
        } else {
            bytes.append(UInt8(pictureID & 0x7F))
        }
    }
    if let tl0PicIdx { bytes.append(tl0PicIdx) }
    if temporalLayerID != nil || keyIndex != nil {
        bytes.append(((temporalLayerID ?? 0) << 6) | (layerSync ? 0x20 : 0) | ((keyIndex ?? 0) & 0x1F))
    }
    if start && partition == 0 {
        // RFC 6386 §9.1 frame tag: size0 = 0, show_frame (H) = 1, version 0, P = 0 for a key frame.
        bytes += [0x10 | (keyframe ? 0 : 1), 0x00, 0x00]
        if keyframe { bytes += [0x9D, 0x01, 0x2A, 0x80, 0x02, 0x68, 0x01] }  // start code, 640 × 360
    }
    return bytes + body
}

/// Parses the descriptor at the start of `payload`.
func parseVP8(_ payload: [UInt8]) throws(VP8ParseError) -> VP8PayloadDescriptor {
    try parseOutcome(payload).get()
}

/// The result of parsing, with the error as a value (for tables of expected outcomes).
func parseOutcome(_ payload: [UInt8]) -> Result<VP8PayloadDescriptor, VP8ParseError> {
    payload.withUnsafeBytes { bytes in
        do throws(VP8ParseError) { return .success(try VP8PayloadDescriptor(parsing: bytes)) } catch { return .failure(error) }
    }
}

// RFC 6386 §9.1 (and §19.1): the uncompressed data chunk at the start of every VP8 frame, which for
// a key frame carries the frame size. The forwarder reads it from the first packet of a key frame
// to learn what resolution a simulcast encoding really has.

/// The uncompressed header of a VP8 key frame, read from the VP8 payload (the bytes after the
/// RFC 7741 payload descriptor of a packet whose descriptor says `isKeyframeStart`).
///
/// ```
/// frame tag (3 bytes, little-endian bit fields, first byte's bit 0 first)
///   bit 0      key_frame: 0 = key frame, 1 = inter frame
///   bits 1-3   version (profile)
///   bit 4      show_frame
///   bits 5-23  first_part_size: bytes of the first partition
/// key frames only:
///   9d 01 2a   start code
///   2 bytes    little-endian: width (14 bits) | horizontal_scale (2 bits) << 14
///   2 bytes    little-endian: height (14 bits) | vertical_scale (2 bits) << 14
/// ```
///
/// Holds numbers only; parsing allocates nothing and checks every length before reading.
public struct VP8KeyframeHeader: Sendable, Equatable {
    /// The bytes this header takes: 3 of frame tag, 3 of start code, 4 of dimensions.
    public static let length = 10

    /// The frame width in pixels, before any upscaling (1–16383).
    public var width: Int
    /// The frame height in pixels, before any upscaling (1–16383).
    public var height: Int
    /// The horizontal upscaling code: 0 none, 1 × 5/4, 2 × 5/3, 3 × 2 (RFC 6386 §9.1).
    public var horizontalScale: UInt8
    /// The vertical upscaling code, as `horizontalScale`.
    public var verticalScale: UInt8
    /// The version (profile) field, 0–3 in valid streams; not checked, only reported.
    public var version: UInt8
    /// Whether the frame is meant to be displayed.
    public var showFrame: Bool
    /// The size of the first partition in bytes, from the frame tag.
    public var firstPartitionSize: Int

    /// Parses the header at the start of `payload`, the VP8 payload after the payload descriptor.
    @inlinable
    public init(parsing payload: UnsafeRawBufferPointer) throws(VP8KeyframeHeaderError) {
        guard payload.count >= 3 else { throw .frameTagTruncated }
        let tag = UInt32(payload.readUInt8(0)) | UInt32(payload.readUInt8(1)) << 8 | UInt32(payload.readUInt8(2)) << 16
        guard tag & 0x01 == 0 else { throw .notKeyframe }
        guard payload.count >= Self.length else { throw .keyframeHeaderTruncated }
        guard payload.readUInt8(3) == 0x9D, payload.readUInt8(4) == 0x01, payload.readUInt8(5) == 0x2A else {
            throw .invalidStartCode
        }
        let horizontal = UInt16(payload.readUInt8(6)) | UInt16(payload.readUInt8(7)) << 8
        let vertical = UInt16(payload.readUInt8(8)) | UInt16(payload.readUInt8(9)) << 8
        width = Int(horizontal & 0x3FFF)
        height = Int(vertical & 0x3FFF)
        guard width > 0, height > 0 else { throw .zeroDimension }
        horizontalScale = UInt8(truncatingIfNeeded: horizontal >> 14)
        verticalScale = UInt8(truncatingIfNeeded: vertical >> 14)
        version = UInt8(truncatingIfNeeded: (tag >> 1) & 0x07)
        showFrame = tag & 0x10 != 0
        firstPartitionSize = Int(tag >> 5)
    }

    /// Parses the header in an RTP payload whose descriptor `descriptor` was parsed from it.
    /// Throws `.notKeyframe` unless the descriptor marks the first packet of a key frame.
    @inlinable
    public init(rtpPayload: UnsafeRawBufferPointer, descriptor: VP8PayloadDescriptor) throws(VP8KeyframeHeaderError) {
        guard descriptor.isKeyframeStart else { throw .notKeyframe }
        // The descriptor parsed from this payload has length <= count; clamp anyway so a
        // descriptor paired with a shorter buffer cannot slice past its end.
        let offset = Swift.min(descriptor.length, rtpPayload.count)
        try self.init(parsing: rtpPayload.slice(offset, rtpPayload.count &- offset))
    }

    /// The smaller of width and height: what jitsi-meet's `maxHeight` constraints compare with.
    @inlinable public var smallerDimension: Int { Swift.min(width, height) }
}

// RFC 7741 §4.2: the VP8 payload descriptor at the start of every VP8 RTP payload, read in place;
// §4.3 / RFC 6386 §9.1: the P bit of the payload header after it says whether a frame is a key frame.

/// The decoded RFC 7741 payload descriptor of one VP8 RTP packet, plus the offsets of the fields
/// the forwarder rewrites.
///
/// Like `RTPHeaderView` it holds numbers only, never the bytes, so it can be kept after the receive
/// slot is reused and applied to each receiver's send-slot copy, where the same offsets hold.
/// Offsets count from the start of the RTP payload. Parsing allocates nothing and never traps: every
/// read is preceded by a length check.
///
/// ```
///        0 1 2 3 4 5 6 7
///       +-+-+-+-+-+-+-+-+
///       |X|R|N|S|R| PID |  (always)
///       +-+-+-+-+-+-+-+-+
///  X:   |I|L|T|K|  RSV  |  (if X)
///       +-+-+-+-+-+-+-+-+
///  I:   |M|  PictureID  |  (if I; a second byte of PictureID follows if M)
///       +-+-+-+-+-+-+-+-+
///  L:   |   TL0PICIDX   |  (if L)
///       +-+-+-+-+-+-+-+-+
///  T/K: |TID|Y| KEYIDX  |  (if T or K)
///       +-+-+-+-+-+-+-+-+
/// ```
public struct VP8PayloadDescriptor: Sendable, Equatable {
    /// N: the frame is not used as a reference, so dropping it costs no other frame.
    @inlinable public var isNonReference: Bool { _isNonReference }
    @usableFromInline var _isNonReference: Bool
    /// S: the payload starts a VP8 partition.
    @inlinable public var isStartOfPartition: Bool { _isStartOfPartition }
    @usableFromInline var _isStartOfPartition: Bool
    /// PID: the index (0–7) of the partition the payload's first byte belongs to.
    @inlinable public var partitionIndex: UInt8 { _partitionIndex }
    @usableFromInline var _partitionIndex: UInt8
    /// X: the extension byte is present (a descriptor without it carries none of the optional fields).
    @inlinable public var hasExtension: Bool { _hasExtension }
    @usableFromInline var _hasExtension: Bool
    /// The PictureID (7 or 15 bits, M bit excluded), or nil when I is clear.
    @inlinable public var pictureID: UInt16? { _pictureID }
    @usableFromInline var _pictureID: UInt16?
    /// M: the PictureID takes two bytes (15 bits) rather than one (7 bits).
    @inlinable public var hasLongPictureID: Bool { _hasLongPictureID }
    @usableFromInline var _hasLongPictureID: Bool
    /// TL0PICIDX, the running index of base-layer (TID 0) frames, or nil when L is clear.
    @inlinable public var tl0PicIdx: UInt8? { _tl0PicIdx }
    @usableFromInline var _tl0PicIdx: UInt8?
    /// TID, the temporal layer (0–3), or nil when T is clear (RFC 7741: TID is then ignored even
    /// if the byte is present for KEYIDX).
    @inlinable public var temporalLayerID: UInt8? { _temporalLayerID }
    @usableFromInline var _temporalLayerID: UInt8?
    /// Y: the frame depends only on the base-layer frame TL0PICIDX names; false when T is clear.
    @inlinable public var isLayerSync: Bool { _isLayerSync }
    @usableFromInline var _isLayerSync: Bool
    /// KEYIDX, the temporal key-frame index (0–31), or nil when K is clear.
    @inlinable public var keyIndex: UInt8? { _keyIndex }
    @usableFromInline var _keyIndex: UInt8?
    /// Offset of the PictureID's first byte (the one with the M bit), or 0 when absent.
    @inlinable public var pictureIDOffset: Int { _pictureIDOffset }
    @usableFromInline var _pictureIDOffset: Int
    /// Offset of TL0PICIDX, or 0 when absent.
    @inlinable public var tl0PicIdxOffset: Int { _tl0PicIdxOffset }
    @usableFromInline var _tl0PicIdxOffset: Int
    /// Bytes of descriptor (1–6); the VP8 payload starts here.
    @inlinable public var length: Int { _length }
    @usableFromInline var _length: Int
    /// The packet carries the first bytes of a key frame: S = 1, PID = 0 and the payload header's
    /// inverse key-frame bit P is 0 (RFC 7741 §4.3, RFC 6386 §9.1). Only the first packet of a
    /// key frame says so; its other packets carry no payload header.
    @inlinable public var isKeyframeStart: Bool { _isKeyframeStart }
    @usableFromInline var _isKeyframeStart: Bool

    /// S = 1 and PID = 0: the first packet of a frame, the one with the VP8 payload header.
    @inlinable public var isStartOfFrame: Bool { _isStartOfPartition && _partitionIndex == 0 }

    /// Parses the descriptor at the start of `payload` (the RTP payload, padding excluded).
    @inlinable
    public init(parsing payload: UnsafeRawBufferPointer) throws(VP8ParseError) {
        let count = payload.count
        guard count >= 1 else { throw .empty }
        let first = payload.readUInt8(0)
        // The two R bits (0x40, 0x08) are ignored, as RFC 7741 tells receivers to.
        _hasExtension = first & 0x80 != 0
        _isNonReference = first & 0x20 != 0
        _isStartOfPartition = first & 0x10 != 0
        _partitionIndex = first & 0x07
        _pictureID = nil
        _hasLongPictureID = false
        _tl0PicIdx = nil
        _temporalLayerID = nil
        _isLayerSync = false
        _keyIndex = nil
        _pictureIDOffset = 0
        _tl0PicIdxOffset = 0
        var offset = 1
        if _hasExtension {
            guard count > offset else { throw .extensionTruncated }
            let flags = payload.readUInt8(offset)
            offset &+= 1
            if flags & 0x80 != 0 {
                guard count > offset else { throw .pictureIDTruncated }
                let high = payload.readUInt8(offset)
                _pictureIDOffset = offset
                if high & 0x80 != 0 {
                    guard count > offset &+ 1 else { throw .pictureIDTruncated }
                    _hasLongPictureID = true
                    _pictureID = UInt16(high & 0x7F) << 8 | UInt16(payload.readUInt8(offset &+ 1))
                    offset &+= 2
                } else {
                    _pictureID = UInt16(high)
                    offset &+= 1
                }
            }
            // L without T is malformed by RFC 7741 (TL0PICIDX only means something with TID), but
            // the layout is fixed by the bits alone, so it is parsed rather than refused.
            if flags & 0x40 != 0 {
                guard count > offset else { throw .tl0PicIdxTruncated }
                _tl0PicIdxOffset = offset
                _tl0PicIdx = payload.readUInt8(offset)
                offset &+= 1
            }
            if flags & 0x30 != 0 {
                guard count > offset else { throw .temporalKeyIndexTruncated }
                let byte = payload.readUInt8(offset)
                if flags & 0x20 != 0 {
                    _temporalLayerID = byte >> 6
                    _isLayerSync = byte & 0x20 != 0
                }
                if flags & 0x10 != 0 { _keyIndex = byte & 0x1F }
                offset &+= 1
            }
        }
        _length = offset
        if _isStartOfPartition && _partitionIndex == 0 {
            guard count > offset else { throw .payloadHeaderMissing }
            _isKeyframeStart = payload.readUInt8(offset) & 0x01 == 0
        } else {
            _isKeyframeStart = false
        }
    }
}

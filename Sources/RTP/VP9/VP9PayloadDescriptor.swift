// RFC 9628 §4.2 (formerly draft-ietf-payload-vp9): the VP9 payload descriptor at the start of every
// VP9 RTP payload, read in place. Unlike VP8 the key-frame signal is in the descriptor itself (P).

/// The decoded RFC 9628 payload descriptor of one VP9 RTP packet, plus the offsets of the fields a
/// forwarder would rewrite.
///
/// Like `VP8PayloadDescriptor` it holds numbers only, never the bytes, and parsing allocates
/// nothing and never traps: every read is preceded by a length check. Offsets count from the start
/// of the RTP payload.
///
/// ```
///        0 1 2 3 4 5 6 7
///       +-+-+-+-+-+-+-+-+
///       |I|P|L|F|B|E|V|Z|  (always)
///       +-+-+-+-+-+-+-+-+
///  I:   |M| PICTURE ID  |  (a second byte of PictureID follows if M)
///       +-+-+-+-+-+-+-+-+
///  L:   | TID |U| SID |D|
///       +-+-+-+-+-+-+-+-+
///  L&!F:|   TL0PICIDX   |  (non-flexible mode only)
///       +-+-+-+-+-+-+-+-+
///  F&P: | P_DIFF      |N|  (flexible mode; up to 3, each N says another follows)
///       +-+-+-+-+-+-+-+-+
///  V:   | SS ...        |  (`VP9ScalabilityStructure`)
///       +-+-+-+-+-+-+-+-+
/// ```
public struct VP9PayloadDescriptor: Sendable, Equatable {
    /// The most P_DIFFs a flexible-mode descriptor may carry.
    public static let maxReferenceCount = 3

    /// The first byte, I P L F B E V Z, as sent.
    @usableFromInline var _flags: UInt8

    /// I: a PictureID is present.
    @inlinable public var hasPictureID: Bool { _flags & 0x80 != 0 }
    /// P: inter-picture predicted; the picture references an earlier one in its own spatial layer.
    @inlinable public var isInterPicturePredicted: Bool { _flags & 0x40 != 0 }
    /// L: the layer indices byte (TID, U, SID, D) is present.
    @inlinable public var hasLayerIndices: Bool { _flags & 0x20 != 0 }
    /// F: flexible mode, references given per packet as P_DIFFs rather than by a picture group.
    @inlinable public var isFlexibleMode: Bool { _flags & 0x10 != 0 }
    /// B: the packet starts a (layer) frame.
    @inlinable public var isStartOfFrame: Bool { _flags & 0x08 != 0 }
    /// E: the packet ends a (layer) frame.
    @inlinable public var isEndOfFrame: Bool { _flags & 0x04 != 0 }
    /// V: a scalability structure is present.
    @inlinable public var hasScalabilityStructure: Bool { _flags & 0x02 != 0 }
    /// Z: the frame is not used as a reference by higher spatial layers of the same picture.
    @inlinable public var isNotReferenceForUpperSpatialLayers: Bool { _flags & 0x01 != 0 }

    /// The PictureID (7 or 15 bits, M bit excluded), or nil when I is clear.
    @inlinable public var pictureID: UInt16? { _pictureID }
    @usableFromInline var _pictureID: UInt16?
    /// M: the PictureID takes two bytes (15 bits) rather than one (7 bits).
    @inlinable public var hasLongPictureID: Bool { _hasLongPictureID }
    @usableFromInline var _hasLongPictureID: Bool
    /// Offset of the PictureID's first byte (the one with the M bit), or 0 when absent.
    @inlinable public var pictureIDOffset: Int { _pictureIDOffset }
    @usableFromInline var _pictureIDOffset: Int

    /// TID, the temporal layer (0–7), or nil when L is clear.
    @inlinable public var temporalLayerID: UInt8? { _temporalLayerID }
    @usableFromInline var _temporalLayerID: UInt8?
    /// SID, the spatial layer (0–7), or nil when L is clear.
    @inlinable public var spatialLayerID: UInt8? { _spatialLayerID }
    @usableFromInline var _spatialLayerID: UInt8?
    /// U: a switching-up point; from here a receiver may go up to this temporal layer. False when L
    /// is clear.
    @inlinable public var isSwitchingUp: Bool { _isSwitchingUp }
    @usableFromInline var _isSwitchingUp: Bool
    /// D: the frame depends on the next lower spatial layer of the same picture, so that layer must
    /// be forwarded too. False when L is clear.
    @inlinable public var isInterLayerDependent: Bool { _isInterLayerDependent }
    @usableFromInline var _isInterLayerDependent: Bool

    /// TL0PICIDX, the running index of base-temporal-layer pictures, or nil unless L is set in
    /// non-flexible mode.
    @inlinable public var tl0PicIdx: UInt8? { _tl0PicIdx }
    @usableFromInline var _tl0PicIdx: UInt8?
    /// Offset of TL0PICIDX, or 0 when absent.
    @inlinable public var tl0PicIdxOffset: Int { _tl0PicIdxOffset }
    @usableFromInline var _tl0PicIdxOffset: Int

    /// How many P_DIFFs (0–3) the descriptor carries; non-zero only in flexible mode with P set.
    @inlinable public var referenceCount: Int { Int(_referenceCount) }
    @usableFromInline var _referenceCount: UInt8
    /// The P_DIFFs (7 bits each, N bits dropped), the first in the low byte.
    @usableFromInline var _referenceIndices: UInt32

    /// The scalability structure, or nil when V is clear.
    @inlinable public var scalabilityStructure: VP9ScalabilityStructure? { _scalabilityStructure }
    @usableFromInline var _scalabilityStructure: VP9ScalabilityStructure?

    /// Bytes of descriptor; the VP9 payload starts here.
    @inlinable public var length: Int { _length }
    @usableFromInline var _length: Int

    /// The `index`th P_DIFF: the reference is the picture whose PictureID is this much smaller
    /// (modulo the PictureID's width). Nil past `referenceCount`.
    @inlinable
    public func referenceIndex(at index: Int) -> UInt8? {
        guard index >= 0, index < referenceCount else { return nil }
        return UInt8(truncatingIfNeeded: _referenceIndices >> (8 * index))
    }

    /// The packet starts the base spatial layer of a key picture: B = 1, P = 0, and SID 0 (or no
    /// layer indices, which means a single layer). Higher spatial layers of a key picture have P = 0
    /// too but predict from the layer below, so they are not a place to start decoding.
    @inlinable public var isKeyframeStart: Bool {
        isStartOfFrame && !isInterPicturePredicted && (_spatialLayerID ?? 0) == 0
    }

    /// Parses the descriptor at the start of `payload` (the RTP payload, padding excluded).
    @inlinable
    public init(parsing payload: UnsafeRawBufferPointer) throws(VP9ParseError) {
        let count = payload.count
        guard count >= 1 else { throw .empty }
        let flags = payload.readUInt8(0)
        _flags = flags
        _pictureID = nil
        _hasLongPictureID = false
        _pictureIDOffset = 0
        _temporalLayerID = nil
        _spatialLayerID = nil
        _isSwitchingUp = false
        _isInterLayerDependent = false
        _tl0PicIdx = nil
        _tl0PicIdxOffset = 0
        _referenceCount = 0
        _referenceIndices = 0
        _scalabilityStructure = nil
        let flexible = flags & 0x10 != 0
        if flexible && flags & 0x80 == 0 { throw .flexibleModeWithoutPictureID }
        var offset = 1
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
        if flags & 0x20 != 0 {
            guard count > offset else { throw .layerIndicesTruncated }
            let layers = payload.readUInt8(offset)
            _temporalLayerID = layers >> 5
            _isSwitchingUp = layers & 0x10 != 0
            _spatialLayerID = (layers >> 1) & 0x07
            _isInterLayerDependent = layers & 0x01 != 0
            offset &+= 1
            if !flexible {
                guard count > offset else { throw .tl0PicIdxTruncated }
                _tl0PicIdxOffset = offset
                _tl0PicIdx = payload.readUInt8(offset)
                offset &+= 1
            }
        }
        if flexible && flags & 0x40 != 0 {
            var more = true
            while more {
                guard _referenceCount < Self.maxReferenceCount else { throw .tooManyReferenceIndices }
                guard count > offset else { throw .referenceIndexTruncated }
                let byte = payload.readUInt8(offset)
                _referenceIndices |= UInt32(byte >> 1) << (8 * UInt32(_referenceCount))
                _referenceCount &+= 1
                more = byte & 0x01 != 0
                offset &+= 1
            }
        }
        if flags & 0x02 != 0 {
            let structure = try VP9ScalabilityStructure(parsing: payload, at: offset)
            offset &+= structure.length
            _scalabilityStructure = structure
        }
        _length = offset
    }
}

// The per-packet numbers `VP8PictureContinuity` works on, apart from the descriptor bytes, so the
// state can be driven and tested with plain values.

/// What an incoming VP8 packet says about the frame it belongs to.
public struct VP8IncomingIDs: Sendable, Equatable {
    /// The PictureID (7 or 15 bits), or nil when the descriptor has none.
    public var pictureID: UInt16?
    /// The PictureID is 15 bits wide (M set) rather than 7; it decides where incoming IDs wrap.
    public var hasLongPictureID: Bool
    /// TL0PICIDX, or nil when the descriptor has none.
    public var tl0PicIdx: UInt8?
    /// The packet starts a key frame (`VP8PayloadDescriptor.isKeyframeStart`).
    public var isKeyframeStart: Bool

    /// Plain values, for tests and callers that parsed the descriptor themselves.
    @inlinable
    public init(pictureID: UInt16?, hasLongPictureID: Bool = true, tl0PicIdx: UInt8? = nil, isKeyframeStart: Bool = false) {
        self.pictureID = pictureID
        self.hasLongPictureID = hasLongPictureID
        self.tl0PicIdx = tl0PicIdx
        self.isKeyframeStart = isKeyframeStart
    }

    /// The numbers of a parsed descriptor. TID is left out on purpose: continuity does not depend on
    /// it (see `VP8PictureContinuity`); which temporal layers to drop is the selector's decision.
    @inlinable
    public init(_ descriptor: VP8PayloadDescriptor) {
        self.init(
            pictureID: descriptor.pictureID, hasLongPictureID: descriptor.hasLongPictureID,
            tl0PicIdx: descriptor.tl0PicIdx, isKeyframeStart: descriptor.isKeyframeStart)
    }
}

/// The PictureID and TL0PICIDX a forwarded packet leaves with.
public struct VP8OutgoingIDs: Sendable, Equatable {
    /// The outgoing PictureID, 15 bits (`setPictureID` keeps the low 7 in a short field).
    public var pictureID: UInt16
    /// The outgoing TL0PICIDX, or nil when the incoming packet has none.
    public var tl0PicIdx: UInt8?

    @inlinable
    public init(pictureID: UInt16, tl0PicIdx: UInt8?) {
        self.pictureID = pictureID
        self.tl0PicIdx = tl0PicIdx
    }
}

/// Why `VP8PictureContinuity` has no outgoing numbers for a packet; the caller drops it.
public enum VP8ContinuityError: Error, Sendable, Equatable {
    /// The packet has no PictureID, so frames cannot be told apart (Chrome always sends one).
    case pictureIDAbsent
    /// A stream may only start, or switch to another encoding, at the first packet of a key frame.
    case needsKeyframe
    /// A late packet of a frame that was dropped on purpose, or that is older than the history,
    /// or whose place in the outgoing numbering is already taken.
    case notForwardable
}

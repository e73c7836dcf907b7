/// Why a VP8 descriptor field could not be rewritten in place.
public enum VP8RewriteError: Error, Sendable, Equatable {
    /// The descriptor has no PictureID (I clear); one cannot be added without resizing it.
    case pictureIDAbsent
    /// The descriptor has no TL0PICIDX (L clear); one cannot be added without resizing it.
    case tl0PicIdxAbsent
    /// The buffer is shorter than the descriptor this view was parsed from.
    case bufferTooSmall
}

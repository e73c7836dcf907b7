/// Why the bytes after a VP8 payload descriptor are not the start of a usable key frame.
/// One case per check, so each maps to its own counter without allocating.
public enum VP8KeyframeHeaderError: Error, Sendable, Equatable {
    /// Fewer than the 3 bytes of the frame tag.
    case frameTagTruncated
    /// The frame tag's key-frame bit says inter frame: there is no size to read.
    case notKeyframe
    /// A key frame, but shorter than the 10 bytes of tag, start code and dimensions.
    case keyframeHeaderTruncated
    /// The 3 bytes after the frame tag are not the start code 9d 01 2a.
    case invalidStartCode
    /// A width or height of 0, which no decoder accepts.
    case zeroDimension
}

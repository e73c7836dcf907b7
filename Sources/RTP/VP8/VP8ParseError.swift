/// Why an RTP payload does not start with a usable RFC 7741 VP8 payload descriptor. One case per
/// field that can run past the end, so each maps to its own drop counter without allocating
/// (typed throws, style.md B5.7).
public enum VP8ParseError: Error, Sendable, Equatable {
    /// The payload is empty: not even the mandatory first descriptor byte.
    case empty
    /// X is set but the extension byte (I, L, T, K) is missing.
    case extensionTruncated
    /// I is set but the PictureID (one byte, or two when its M bit is set) is cut short.
    case pictureIDTruncated
    /// L is set but the TL0PICIDX byte is missing.
    case tl0PicIdxTruncated
    /// T or K is set but the TID/Y/KEYIDX byte is missing.
    case temporalKeyIndexTruncated
    /// S = 1 and PID = 0 (the start of a frame) but no byte follows the descriptor, so the VP8
    /// payload header RFC 7741 §4.3 requires there, and with it the key-frame flag, is missing.
    case payloadHeaderMissing
}

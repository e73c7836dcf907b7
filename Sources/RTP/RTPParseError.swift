/// Why an RTP packet was rejected. One case per malformed condition, so the caller can map each
/// to its own drop counter without allocating (typed throws, style.md B5.7).
public enum RTPParseError: Error, Sendable, Equatable {
    /// Fewer than the 12 fixed header bytes.
    case tooShort
    /// The version field is not 2.
    case badVersion
    /// The CSRC list runs past the end of the packet.
    case csrcOverrun
    /// The extension header, or the length its length word declares, runs past the end of the packet.
    case extensionOverrun
    /// The P bit is set but the padding count is zero or longer than the payload.
    case badPadding
    /// An RFC 8285 element runs past the end of the extension block.
    case extensionElementOverrun
}

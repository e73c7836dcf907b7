/// Why an RTP payload is not a usable RFC 6184 H.264 payload. One case per structure that can run
/// past the end or be malformed, so each maps to a drop reason without allocating.
public enum H264ParseError: Error, Sendable, Equatable {
    /// The payload is empty: not even the NAL unit header.
    case empty
    /// The forbidden_zero_bit of a NAL unit header is set (RFC 6184 §5.3: a syntax violation).
    case forbiddenBitSet
    /// A STAP-A's NAL unit size runs past the payload, or a size field is cut short.
    case aggregationTruncated
    /// An FU-A has no FU header byte.
    case fragmentTruncated
    /// A packetization type this forwarder does not take: STAP-B, MTAP16/24, FU-B (interleaved
    /// mode, which WebRTC never negotiates), or the reserved types 0, 30 and 31.
    case unsupportedPacketization(UInt8)
}

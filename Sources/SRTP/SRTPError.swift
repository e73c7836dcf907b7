/// Why protecting or unprotecting a packet failed; one case per drop counter.
public enum SRTPError: Error, Equatable, Sendable {
    /// The authentication tag did not verify (wrong key, corruption or forgery).
    case authenticationFailed
    /// The packet index was already seen or fell behind the replay window (RFC 3711 section 3.3.2).
    case replayed
    /// The caller's buffer has no room for the trailer.
    case bufferTooSmall
    /// Key material of the wrong length, or the backend rejected the keys.
    case badParameters
    /// Too short or not an RTP/RTCP packet.
    case malformed
    /// A new SSRC beyond the number of streams a session tracks.
    case tooManyStreams
    /// OpenSSL refused an operation on a keyed context.
    case cryptoFailed
    /// Any other libsrtp status, with its raw `srtp_err_status_t` value.
    case other(Int32)
}

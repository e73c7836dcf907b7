/// Why a DTLS operation failed. Small and `Equatable` so callers can map each case to a counter.
public enum DTLSError: Error, Equatable, Sendable {
    /// OpenSSL rejected the handshake (bad message, unsupported parameters, too many retransmits).
    case handshakeFailed
    /// The peer's certificate digest differs from the fingerprint signalled in Jingle/Colibri.
    case fingerprintMismatch
    /// The handshake finished without a peer certificate to check.
    case noPeerCertificate
    /// Keys were requested but no remote fingerprint has been signalled yet.
    case noFingerprint
    /// The peer negotiated no SRTP protection profile we offered (RFC 5764 `use_srtp`).
    case noSRTPProfile
    /// Application data was sent before the endpoint was connected and verified, or after it closed.
    case notConnected
    /// The caller's buffer cannot hold the result.
    case bufferTooSmall
    /// The peer sent a fatal alert.
    case alert
    /// The datagram is not a sequence of well-formed DTLS records (RFC 6347 section 4.1).
    case malformedRecord
    /// An OpenSSL call failed outside the handshake (setup, certificate generation); the text
    /// is OpenSSL's error string, for logs.
    case openSSL(String)
}

/// Which implementation of the SRTP transforms a session uses.
public enum SRTPBackend: String, Sendable, CaseIterable {
    /// The project's transforms on OpenSSL's EVP (AES-NI and SHA extensions, keyed once per
    /// session, no allocation per packet). The default.
    case openSSL = "openssl"
    /// libsrtp2: the reference the OpenSSL transforms are tested against, and a fallback
    /// (`--srtp-backend libsrtp`). Debian builds it on NSS, which allocates in every operation
    /// and runs AES-CM + HMAC-SHA1 several times slower.
    case libsrtp
}

import COpenSSL
import COpenSSLShims

extension DTLSCertificate {
    /// Cipher suites JVB offers (colibri2.md section 5.7): ECDHE with AES-GCM or ChaCha20-Poly1305.
    static let cipherList = [
        "ECDHE-ECDSA-AES128-GCM-SHA256", "ECDHE-RSA-AES128-GCM-SHA256",
        "ECDHE-ECDSA-AES256-GCM-SHA384", "ECDHE-RSA-AES256-GCM-SHA384",
        "ECDHE-ECDSA-CHACHA20-POLY1305", "ECDHE-RSA-CHACHA20-POLY1305",
    ].joined(separator: ":")

    /// SRTP profiles in preference order; OpenSSL's server side honours its own order, so a
    /// bridge acting as DTLS server picks GCM whenever the browser offers it.
    static let srtpProfiles = "SRTP_AEAD_AES_128_GCM:SRTP_AES128_CM_SHA1_80"

    /// Builds the shared DTLS 1.2 context. OpenSSL 3.0 has no DTLS 1.3; browsers fall back.
    static func makeContext(certificate: OpaquePointer, privateKey: OpaquePointer) throws(DTLSError) -> OpaquePointer {
        guard let context = SSL_CTX_new(DTLS_method()) else {
            throw .openSSL(openSSLErrorText("SSL_CTX_new"))
        }
        // Peers are authenticated by fingerprint after the handshake, so the chain check
        // accepts anything; requiring the certificate is what matters (RFC 5763 section 5).
        SSL_CTX_set_verify(context, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT) { _, _ in 1 }
        // Resumption would skip the certificate exchange the fingerprint check relies on.
        mp_ssl_ctx_disable_session_cache(context)
        _ = SSL_CTX_set_options(context, mp_SSL_OP_NO_QUERY_MTU | mp_SSL_OP_NO_TICKET | mp_SSL_OP_CIPHER_SERVER_PREFERENCE)
        guard mp_ssl_ctx_set_min_proto_version(context, DTLS1_2_VERSION) == 1,
            mp_ssl_ctx_set_max_proto_version(context, DTLS1_2_VERSION) == 1,
            SSL_CTX_use_certificate(context, certificate) == 1,
            SSL_CTX_use_PrivateKey(context, privateKey) == 1,
            SSL_CTX_check_private_key(context) == 1,
            SSL_CTX_set_cipher_list(context, cipherList) == 1,
            // Inverted convention: 0 means success.
            SSL_CTX_set_tlsext_use_srtp(context, srtpProfiles) == 0
        else {
            let text = openSSLErrorText("SSL_CTX setup")
            SSL_CTX_free(context)
            throw .openSSL(text)
        }
        return context
    }
}

import COpenSSL

/// A self-signed ECDSA P-256 certificate and the OpenSSL context every endpoint using it shares.
///
/// WebRTC peers authenticate DTLS by the certificate fingerprint signalled out of band
/// (RFC 8827 section 6.5), so the certificate itself only needs a fresh key pair. One
/// certificate serves the whole bridge; its `SSL_CTX` is immutable after creation, which is what
/// makes sharing it across endpoints (and threads) safe.
public final class DTLSCertificate: @unchecked Sendable {
    /// sha-256 of the certificate's DER encoding, for the Colibri `<fingerprint>` element.
    public let fingerprint: DTLSFingerprint

    /// `EVP_PKEY *`
    let privateKey: OpaquePointer
    /// `X509 *`
    let x509: OpaquePointer
    /// `SSL_CTX *`, configured for DTLS-SRTP by ``makeContext(certificate:privateKey:)``.
    let context: OpaquePointer

    private init(privateKey: OpaquePointer, x509: OpaquePointer) throws(DTLSError) {
        guard let digest = x509Digest(x509, hashFunction: "sha-256") else {
            throw .openSSL(openSSLErrorText("X509_digest"))
        }
        self.context = try Self.makeContext(certificate: x509, privateKey: privateKey)
        self.privateKey = privateKey
        self.x509 = x509
        self.fingerprint = DTLSFingerprint(hashFunction: "sha-256", digest: digest)
    }

    deinit {
        SSL_CTX_free(context)
        X509_free(x509)
        EVP_PKEY_free(privateKey)
    }

    /// Generates a fresh key pair and a certificate valid from a day ago for 30 days, with a
    /// random serial and subject/issuer CN "meetpad-bridge".
    public static func generate() throws(DTLSError) -> DTLSCertificate {
        ERR_clear_error()
        let key = try generateP256Key()
        guard let x509 = X509_new() else {
            EVP_PKEY_free(key)
            throw .openSSL(openSSLErrorText("X509_new"))
        }
        do {
            try fill(x509, key: key)
            return try DTLSCertificate(privateKey: key, x509: x509)
        } catch {
            X509_free(x509)
            EVP_PKEY_free(key)
            throw error
        }
    }

    /// `EVP_EC_gen` is a variadic macro Swift cannot call, so this spells out the keygen steps.
    private static func generateP256Key() throws(DTLSError) -> OpaquePointer {
        guard let keygen = EVP_PKEY_CTX_new_id(EVP_PKEY_EC, nil) else {
            throw .openSSL(openSSLErrorText("EVP_PKEY_CTX_new_id"))
        }
        defer { EVP_PKEY_CTX_free(keygen) }
        var key: OpaquePointer?
        guard EVP_PKEY_keygen_init(keygen) == 1,
            EVP_PKEY_CTX_set_ec_paramgen_curve_nid(keygen, NID_X9_62_prime256v1) == 1,
            EVP_PKEY_keygen(keygen, &key) == 1, let key
        else { throw .openSSL(openSSLErrorText("EC P-256 keygen")) }
        return key
    }

    private static func fill(_ x509: OpaquePointer, key: OpaquePointer) throws(DTLSError) {
        // A positive 63-bit random serial: browsers ignore it, but equal serials from one
        // issuer name confuse some TLS stacks' caches.
        var serial: UInt64 = 0
        let randomOK = withUnsafeMutableBytes(of: &serial) { RAND_bytes($0.baseAddress, Int32($0.count)) == 1 }
        serial &= 0x7FFF_FFFF_FFFF_FFFF
        let day: Int = 86_400
        guard randomOK, X509_set_version(x509, 2) == 1,
            ASN1_INTEGER_set_uint64(X509_get_serialNumber(x509), serial | 1) == 1,
            X509_gmtime_adj(X509_getm_notBefore(x509), -day) != nil,
            X509_gmtime_adj(X509_getm_notAfter(x509), 30 * day) != nil,
            X509_set_pubkey(x509, key) == 1,
            let name = X509_get_subject_name(x509),
            X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, "meetpad-bridge", -1, -1, 0) == 1,
            X509_set_issuer_name(x509, name) == 1,
            X509_sign(x509, key, EVP_sha256()) > 0
        else { throw .openSSL(openSSLErrorText("self-signed certificate")) }
    }
}

import COpenSSL

/// The digest of a certificate's DER encoding with an RFC 8122 hash name, or nil if the name is
/// unknown or OpenSSL fails.
func x509Digest(_ x509: OpaquePointer, hashFunction: String) -> [UInt8]? {
    let type: OpaquePointer?
    switch hashFunction {
    case "sha-1": type = EVP_sha1()
    case "sha-224": type = EVP_sha224()
    case "sha-256": type = EVP_sha256()
    case "sha-384": type = EVP_sha384()
    case "sha-512": type = EVP_sha512()
    default: return nil
    }
    var digest = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
    var length: UInt32 = 0
    guard let type, X509_digest(x509, type, &digest, &length) == 1 else { return nil }
    return Array(digest.prefix(Int(length)))
}

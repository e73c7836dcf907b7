internal import COpenSSL

/// SHA-1, HMAC-SHA-1 and PBKDF2-HMAC-SHA-1 for SCRAM-SHA-1 (RFC 5802 §2.2), from OpenSSL's
/// libcrypto. SCRAM runs once per login, so the small arrays here are no hot-path concern.
enum SCRAMCrypto {
    /// SHA-1 output length in bytes.
    static let digestLength = 20

    /// SHA-1 of `data`.
    static func sha1(_ data: [UInt8]) -> [UInt8] {
        var digest = [UInt8](repeating: 0, count: digestLength)
        var length: UInt32 = 0
        let ok = data.withUnsafeBytes { input in
            EVP_Digest(input.baseAddress, input.count, &digest, &length, EVP_sha1(), nil)
        }
        return ok == 1 && length == UInt32(digestLength) ? digest : []
    }

    /// HMAC-SHA-1 of `data` under `key` (RFC 2104).
    static func hmac(key: [UInt8], _ data: [UInt8]) -> [UInt8] {
        var digest = [UInt8](repeating: 0, count: digestLength)
        var length: UInt32 = 0
        let result = key.withUnsafeBytes { keyBytes in
            data.withUnsafeBytes { input in
                HMAC(
                    EVP_sha1(), keyBytes.baseAddress, Int32(keyBytes.count),
                    input.baseAddress?.assumingMemoryBound(to: UInt8.self), input.count, &digest, &length
                )
            }
        }
        return result != nil && length == UInt32(digestLength) ? digest : []
    }

    /// PBKDF2 with HMAC-SHA-1, one 20-byte block: RFC 5802's `Hi(str, salt, i)`.
    static func pbkdf2(password: [UInt8], salt: [UInt8], iterations: Int) -> [UInt8] {
        var key = [UInt8](repeating: 0, count: digestLength)
        let ok = password.withUnsafeBytes { pass in
            salt.withUnsafeBytes { saltBytes in
                PKCS5_PBKDF2_HMAC(
                    pass.baseAddress?.assumingMemoryBound(to: CChar.self), Int32(pass.count),
                    saltBytes.baseAddress?.assumingMemoryBound(to: UInt8.self), Int32(saltBytes.count),
                    Int32(clamping: iterations), EVP_sha1(), Int32(digestLength), &key
                )
            }
        }
        return ok == 1 ? key : []
    }

    /// `count` bytes from OpenSSL's CSPRNG, or nil if it is not seeded.
    static func randomBytes(_ count: Int) -> [UInt8]? {
        var bytes = [UInt8](repeating: 0, count: count)
        return RAND_bytes(&bytes, Int32(count)) == 1 ? bytes : nil
    }

    /// Compares without an early exit, so timing does not reveal how many leading bytes match.
    static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for index in a.indices { difference |= a[index] ^ b[index] }
        return difference == 0
    }
}

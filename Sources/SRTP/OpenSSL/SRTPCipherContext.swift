import COpenSSL
import COpenSSLShims

/// The OpenSSL state that protects one kind of packet (RTP or RTCP) in one direction: an
/// AES-128 context keyed once with the session key (counter mode, or GCM for AEAD), and for
/// AES-CM an HMAC-SHA1 key prepared once from the session authentication key. Per packet only
/// the IV changes, so nothing is allocated after `init`.
final class SRTPCipherContext {
    let profile: SRTPProfile
    private let cipher: OpaquePointer
    /// AES-CM only: the prepared HMAC-SHA1 key.
    private let mac: UnsafeMutablePointer<mp_hmac_sha1_key>?
    /// The session salt (14 bytes for AES-CM, 12 for GCM).
    private let salt: [UInt8]
    private let decrypts: Bool
    // Per-packet scratch (the IV, the full HMAC) lives on the stack: as array properties, every
    // byte written cost an exclusivity check and a uniqueness check, 2–4 % of the media thread.

    /// Derives the session keys for RTP (`rtcp` false) or RTCP and keys the contexts.
    init?(profile: SRTPProfile, masterKey: [UInt8], masterSalt: [UInt8], rtcp: Bool, decrypts: Bool) {
        let labels: (SRTPKeyDerivation.Label, SRTPKeyDerivation.Label, SRTPKeyDerivation.Label) = rtcp
            ? (.rtcpEncryption, .rtcpAuthentication, .rtcpSalt) : (.rtpEncryption, .rtpAuthentication, .rtpSalt)
        guard var key = SRTPKeyDerivation.derive(masterKey: masterKey, masterSalt: masterSalt, label: labels.0, length: 16),
            let salt = SRTPKeyDerivation.derive(
                masterKey: masterKey, masterSalt: masterSalt, label: labels.2, length: profile.masterSaltLength),
            let cipher = EVP_CIPHER_CTX_new()
        else { return nil }
        defer { for index in key.indices { key[index] = 0 } }
        self.profile = profile
        self.salt = salt
        self.decrypts = decrypts
        self.cipher = cipher
        switch profile {
        case .aeadAES128GCM:
            let keyed = decrypts
                ? EVP_DecryptInit_ex(cipher, EVP_aes_128_gcm(), nil, key, nil)
                : EVP_EncryptInit_ex(cipher, EVP_aes_128_gcm(), nil, key, nil)
            guard keyed == 1, EVP_CIPHER_CTX_ctrl(cipher, EVP_CTRL_AEAD_SET_IVLEN, 12, nil) == 1 else {
                EVP_CIPHER_CTX_free(cipher)
                return nil
            }
            mac = nil
        case .aes128CMHMACSHA1_80:
            guard EVP_EncryptInit_ex(cipher, EVP_aes_128_ctr(), nil, key, nil) == 1,
                var authKey = SRTPKeyDerivation.derive(masterKey: masterKey, masterSalt: masterSalt, label: labels.1, length: 20)
            else {
                EVP_CIPHER_CTX_free(cipher)
                return nil
            }
            defer { for index in authKey.indices { authKey[index] = 0 } }
            let mac = UnsafeMutablePointer<mp_hmac_sha1_key>.allocate(capacity: 1)
            guard mp_hmac_sha1_key_init(mac, authKey, authKey.count) == 1 else {
                mac.deallocate()
                EVP_CIPHER_CTX_free(cipher)
                return nil
            }
            self.mac = mac
        }
    }

    deinit {
        EVP_CIPHER_CTX_free(cipher)
        if let mac {
            // The states hold key-derived bytes.
            OPENSSL_cleanse(mac, MemoryLayout<mp_hmac_sha1_key>.size)
            mac.deallocate()
        }
    }

    // MARK: AES-CM + HMAC-SHA1 (RFC 3711 §4.1.1, §4.2.1)

    /// XORs the keystream for (`ssrc`, `index`) over `length` bytes at `bytes`:
    /// IV = (salt × 2^16) XOR (SSRC × 2^64) XOR (index × 2^16).
    func applyCounterMode(_ bytes: UnsafeMutableRawPointer, length: Int, ssrc: UInt32, index: UInt64) -> Bool {
        var block: (UInt64, UInt64) = (0, 0)
        let keyed = withUnsafeMutableBytes(of: &block) { iv in
            for position in 0..<min(16, salt.count) { iv[position] = salt[position] }
            for shift in 0..<4 { iv[4 + shift] ^= UInt8(truncatingIfNeeded: ssrc >> (24 - 8 * shift)) }
            for shift in 0..<6 { iv[8 + shift] ^= UInt8(truncatingIfNeeded: index >> (40 - 8 * shift)) }
            return EVP_EncryptInit_ex(cipher, nil, nil, nil, iv.baseAddress!.assumingMemoryBound(to: UInt8.self)) == 1
        }
        guard keyed else { return false }
        guard length > 0 else { return true }
        let typed = bytes.assumingMemoryBound(to: UInt8.self)
        var written: Int32 = 0
        return EVP_EncryptUpdate(cipher, typed, &written, typed, Int32(length)) == 1
    }

    /// HMAC-SHA1 over `length` bytes at `bytes` followed by `suffix` (the ROC for SRTP; nothing
    /// for SRTCP, whose index is inside the authenticated bytes), truncated to `tagLength` bytes
    /// into `tag`.
    func authenticate(
        _ bytes: UnsafeRawPointer, length: Int, suffix: UInt32?, into tag: UnsafeMutableRawPointer, tagLength: Int
    ) -> Bool {
        guard let mac else { return false }
        var bigEndian = (suffix ?? 0).bigEndian
        var full: (UInt64, UInt64, UInt32) = (0, 0, 0)  // the 20-byte HMAC
        return withUnsafeMutableBytes(of: &full) { digest in
            let digestBytes = digest.baseAddress!.assumingMemoryBound(to: UInt8.self)
            let computed = withUnsafeBytes(of: &bigEndian) { suffixBytes in
                mp_hmac_sha1(mac, bytes, length, suffixBytes.baseAddress, suffix == nil ? 0 : 4, digestBytes)
            }
            guard computed == 1 else { return false }
            tag.copyMemory(from: digestBytes, byteCount: tagLength)
            return true
        }
    }

    /// Constant-time comparison of a computed tag with the `received` one, `length` bytes each.
    static func tagsMatch(_ computed: UnsafeRawPointer, _ received: UnsafeRawPointer, length: Int) -> Bool {
        var difference: UInt8 = 0
        for position in 0..<length {
            difference |= computed.load(fromByteOffset: position, as: UInt8.self) ^ received.load(fromByteOffset: position, as: UInt8.self)
        }
        return difference == 0
    }

    // MARK: AEAD_AES_128_GCM (RFC 7714 §8, §9)

    /// The authenticated-only bytes: the RTP header, or SRTCP's first 8 bytes and its
    /// E flag + index word, which are not contiguous.
    struct AdditionalData {
        var first: UnsafeRawPointer?
        var firstLength: Int
        var second: UnsafeRawPointer? = nil
        var secondLength = 0
    }

    /// Sets the 12-byte GCM IV: (0x0000 || SSRC || `high` || `low`) XOR salt, where `high`/`low`
    /// are ROC/SEQ for SRTP (§8.1) and 0/SRTCP index for SRTCP (§9.1).
    private func setNonce(ssrc: UInt32, high: UInt32, low: UInt32, lowBytes: Int) -> Bool {
        var block: (UInt64, UInt64) = (0, 0)
        return withUnsafeMutableBytes(of: &block) { iv in
            for shift in 0..<4 { iv[2 + shift] = UInt8(truncatingIfNeeded: ssrc >> (24 - 8 * shift)) }
            if lowBytes == 2 {
                for shift in 0..<4 { iv[6 + shift] = UInt8(truncatingIfNeeded: high >> (24 - 8 * shift)) }
                iv[10] = UInt8(truncatingIfNeeded: low >> 8)
                iv[11] = UInt8(truncatingIfNeeded: low)
            } else {
                for shift in 0..<4 { iv[8 + shift] = UInt8(truncatingIfNeeded: low >> (24 - 8 * shift)) }
            }
            for position in 0..<12 { iv[position] ^= salt[position] }
            let nonce = iv.baseAddress!.assumingMemoryBound(to: UInt8.self)
            return decrypts
                ? EVP_DecryptInit_ex(cipher, nil, nil, nil, nonce) == 1
                : EVP_EncryptInit_ex(cipher, nil, nil, nil, nonce) == 1
        }
    }

    /// One GCM update in this context's direction: `count` bytes from `input` to `output`, or
    /// authenticated only when `output` is nil.
    private func update(_ output: UnsafeMutablePointer<UInt8>?, _ input: UnsafePointer<UInt8>, _ count: Int) -> Bool {
        var written: Int32 = 0
        return decrypts
            ? EVP_DecryptUpdate(cipher, output, &written, input, Int32(count)) == 1
            : EVP_EncryptUpdate(cipher, output, &written, input, Int32(count)) == 1
    }

    /// Passes authenticated-only bytes to GCM (an update without output).
    private func feed(_ bytes: UnsafeRawPointer?, _ count: Int) -> Bool {
        guard count > 0, let bytes else { return true }
        return update(nil, bytes.assumingMemoryBound(to: UInt8.self), count)
    }

    /// What sealing and opening share: the nonce, the additional data, then the payload's
    /// `length` bytes transformed in place. Only the tag step differs.
    private func transform(
        ssrc: UInt32, high: UInt32, low: UInt32, lowBytes: Int, aad: AdditionalData,
        payload: UnsafeMutablePointer<UInt8>, length: Int
    ) -> Bool {
        guard setNonce(ssrc: ssrc, high: high, low: low, lowBytes: lowBytes) else { return false }
        guard feed(aad.first, aad.firstLength), feed(aad.second, aad.secondLength) else { return false }
        return length == 0 || update(payload, payload, length)
    }

    /// Seals `length` bytes in place at `plain`, authenticating `aad` too; writes the 16-byte tag.
    func seal(
        ssrc: UInt32, high: UInt32, low: UInt32, lowBytes: Int,
        aad: AdditionalData, plain: UnsafeMutableRawPointer, length: Int, tag: UnsafeMutableRawPointer
    ) -> Bool {
        let typed = plain.assumingMemoryBound(to: UInt8.self)
        guard transform(ssrc: ssrc, high: high, low: low, lowBytes: lowBytes, aad: aad, payload: typed, length: length) else {
            return false
        }
        var written: Int32 = 0
        return EVP_EncryptFinal_ex(cipher, typed + length, &written) == 1
            && EVP_CIPHER_CTX_ctrl(cipher, EVP_CTRL_AEAD_GET_TAG, 16, tag) == 1
    }

    /// Opens `length` bytes in place at `sealed` against `tag`; false if authentication fails.
    func open(
        ssrc: UInt32, high: UInt32, low: UInt32, lowBytes: Int,
        aad: AdditionalData, sealed: UnsafeMutableRawPointer, length: Int, tag: UnsafeRawPointer
    ) -> Bool {
        let typed = sealed.assumingMemoryBound(to: UInt8.self)
        guard transform(ssrc: ssrc, high: high, low: low, lowBytes: lowBytes, aad: aad, payload: typed, length: length),
            EVP_CIPHER_CTX_ctrl(cipher, EVP_CTRL_AEAD_SET_TAG, 16, UnsafeMutableRawPointer(mutating: tag)) == 1
        else { return false }
        var written: Int32 = 0
        return EVP_DecryptFinal_ex(cipher, typed + length, &written) == 1
    }
}

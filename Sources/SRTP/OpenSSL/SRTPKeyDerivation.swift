import COpenSSL

/// RFC 3711 §4.3's key derivation: session keys from the master key and salt through the
/// AES-CM PRF, with a key derivation rate of 0 (what DTLS-SRTP uses, RFC 5764 §4.1.2).
/// RFC 7714 §11 reuses it for AEAD_AES_128_GCM with a 96-bit salt, zero-padded to 112 bits.
enum SRTPKeyDerivation {
    /// The labels of RFC 3711 §4.3.1 (RTP) and §4.3.2 (RTCP).
    enum Label: UInt8 {
        case rtpEncryption = 0, rtpAuthentication = 1, rtpSalt = 2
        case rtcpEncryption = 3, rtcpAuthentication = 4, rtcpSalt = 5
    }

    /// `length` bytes of session key for `label`: AES-128 in counter mode, keyed with the master
    /// key, over the IV (master salt XOR label at byte 7) followed by a 16-bit block counter.
    static func derive(masterKey: [UInt8], masterSalt: [UInt8], label: Label, length: Int) -> [UInt8]? {
        guard masterKey.count == 16, masterSalt.count <= 14 else { return nil }
        var iv = [UInt8](repeating: 0, count: 16)
        for (index, byte) in masterSalt.enumerated() { iv[index] = byte }
        iv[7] ^= label.rawValue
        let blocks = (length + 15) / 16
        var zeros = [UInt8](repeating: 0, count: blocks * 16)
        var output = [UInt8](repeating: 0, count: blocks * 16)
        guard let context = EVP_CIPHER_CTX_new() else { return nil }
        defer { EVP_CIPHER_CTX_free(context) }
        var written: Int32 = 0
        guard EVP_EncryptInit_ex(context, EVP_aes_128_ctr(), nil, masterKey, iv) == 1,
            EVP_EncryptUpdate(context, &output, &written, &zeros, Int32(zeros.count)) == 1
        else { return nil }
        for index in zeros.indices { zeros[index] = 0 }
        return Array(output.prefix(length))
    }
}

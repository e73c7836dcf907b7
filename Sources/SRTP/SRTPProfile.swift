/// The SRTP protection profiles the bridge negotiates over DTLS-SRTP (RFC 5764, RFC 7714).
public enum SRTPProfile: Sendable, Equatable {
    /// SRTP_AES128_CM_HMAC_SHA1_80 (RFC 3711): what Chrome picks when it is the DTLS server.
    case aes128CMHMACSHA1_80
    /// SRTP_AEAD_AES_128_GCM (RFC 7714): our preference; about 5x cheaper with this libsrtp.
    case aeadAES128GCM

    /// Maps the IANA protection profile id the DTLS handshake negotiated; nil if unsupported.
    public init?(dtlsProtectionProfileID id: UInt16) {
        switch id {
        case 0x0001: self = .aes128CMHMACSHA1_80
        case 0x0007: self = .aeadAES128GCM
        default: return nil
        }
    }

    /// Master key length in bytes.
    public var masterKeyLength: Int { 16 }

    /// Master salt length in bytes: 112 bits for AES-CM, 96 bits for GCM (RFC 7714 section 12).
    public var masterSaltLength: Int {
        switch self {
        case .aes128CMHMACSHA1_80: return 14
        case .aeadAES128GCM: return 12
        }
    }

    /// Bytes `protectRTP` appends: the 80-bit HMAC tag or the 128-bit GCM tag.
    public var rtpTrailerLength: Int {
        switch self {
        case .aes128CMHMACSHA1_80: return 10
        case .aeadAES128GCM: return 16
        }
    }

    /// Bytes `protectRTCP` appends: the tag plus the 32-bit E flag and SRTCP index.
    public var rtcpTrailerLength: Int { rtpTrailerLength + 4 }
}

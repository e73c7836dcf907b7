import CSRTP

/// libsrtp must be initialised once per process; a global `let` is initialised lazily and
/// exactly once, thread-safely.
private let libraryStatus: srtp_err_status_t = srtp_init()

/// One direction of SRTP/SRTCP for one peer, over libsrtp2: `SRTPBackend.libsrtp`.
///
/// Packets are transformed in place in caller-owned memory. libsrtp itself allocates once per
/// new inbound SSRC; Debian's build of it (NSS crypto) also allocates in every operation. Not
/// thread-safe: one owner drives it.
final class LibSRTPSession {
    let profile: SRTPProfile
    /// libsrtp's `srtp_t`.
    private let context: OpaquePointer

    /// Creates a session from a master key followed by its master salt.
    init(profile: SRTPProfile, masterKeyAndSalt: [UInt8], direction: SRTPDirection) throws(SRTPError) {
        guard libraryStatus == srtp_err_status_ok else { throw .other(Int32(libraryStatus.rawValue)) }
        guard masterKeyAndSalt.count == profile.masterKeyLength + profile.masterSaltLength else {
            throw .badParameters
        }
        var policy = srtp_policy_t()
        switch profile {
        case .aes128CMHMACSHA1_80:
            // The _aes_cm_128_hmac_sha1_80 setters are macros for these defaults.
            srtp_crypto_policy_set_rtp_default(&policy.rtp)
            srtp_crypto_policy_set_rtcp_default(&policy.rtcp)
        case .aeadAES128GCM:
            srtp_crypto_policy_set_aes_gcm_128_16_auth(&policy.rtp)
            srtp_crypto_policy_set_aes_gcm_128_16_auth(&policy.rtcp)
        }
        switch direction {
        case .inbound:
            policy.ssrc.type = ssrc_any_inbound
        case .outbound:
            policy.ssrc.type = ssrc_any_outbound
            policy.allow_repeat_tx = 1
        }
        policy.window_size = 1024
        var created: OpaquePointer?
        var key = masterKeyAndSalt
        let status = key.withUnsafeMutableBufferPointer { bytes in
            policy.key = bytes.baseAddress  // libsrtp copies the key in srtp_create
            return srtp_create(&created, &policy)
        }
        for index in key.indices { key[index] = 0 }
        guard status == srtp_err_status_ok, let created else {
            throw status == srtp_err_status_bad_param ? .badParameters : Self.error(for: status)
        }
        self.context = created
        self.profile = profile
    }

    deinit { srtp_dealloc(context) }

    /// Encrypts and authenticates an RTP packet in place; returns the new length.
    func protectRTP(_ packet: UnsafeMutableRawPointer, length: Int, capacity: Int) throws(SRTPError) -> Int {
        try transform(packet, length: length, capacity: capacity, minimum: 12, trailer: profile.rtpTrailerLength) {
            srtp_protect($0, $1, $2)
        }
    }

    /// Verifies and decrypts an SRTP packet in place; returns the plain length.
    func unprotectRTP(_ packet: UnsafeMutableRawPointer, length: Int) throws(SRTPError) -> Int {
        try transform(packet, length: length, capacity: length, minimum: 12 + profile.rtpTrailerLength, trailer: 0) {
            srtp_unprotect($0, $1, $2)
        }
    }

    /// Encrypts and authenticates an RTCP compound packet in place; returns the new length.
    func protectRTCP(_ packet: UnsafeMutableRawPointer, length: Int, capacity: Int) throws(SRTPError) -> Int {
        try transform(packet, length: length, capacity: capacity, minimum: 8, trailer: profile.rtcpTrailerLength) {
            srtp_protect_rtcp($0, $1, $2)
        }
    }

    /// Verifies and decrypts an SRTCP packet in place; returns the plain length.
    func unprotectRTCP(_ packet: UnsafeMutableRawPointer, length: Int) throws(SRTPError) -> Int {
        try transform(packet, length: length, capacity: length, minimum: 8 + profile.rtcpTrailerLength, trailer: 0) {
            srtp_unprotect_rtcp($0, $1, $2)
        }
    }

    /// Shared guard-call-map path. The closure is non-escaping, so no context is allocated.
    @inline(__always)
    private func transform(
        _ packet: UnsafeMutableRawPointer, length: Int, capacity: Int, minimum: Int, trailer: Int,
        _ call: (OpaquePointer, UnsafeMutableRawPointer, UnsafeMutablePointer<Int32>) -> srtp_err_status_t
    ) throws(SRTPError) -> Int {
        // Version 2 in the top bits (RFC 3550 section 5.1) for both RTP and RTCP.
        guard length >= minimum, length <= Int(Int32.max) - trailer,
            packet.load(as: UInt8.self) >> 6 == 2
        else { throw .malformed }
        guard capacity >= length + trailer else { throw .bufferTooSmall }
        var newLength = Int32(length)
        let status = call(context, packet, &newLength)
        guard status == srtp_err_status_ok else { throw Self.error(for: status) }
        return Int(newLength)
    }

    /// Maps libsrtp's status codes to drop reasons.
    static func error(for status: srtp_err_status_t) -> SRTPError {
        switch status {
        case srtp_err_status_auth_fail: return .authenticationFailed
        case srtp_err_status_replay_fail, srtp_err_status_replay_old: return .replayed
        case srtp_err_status_bad_param, srtp_err_status_parse_err: return .malformed
        default: return .other(Int32(status.rawValue))
        }
    }
}

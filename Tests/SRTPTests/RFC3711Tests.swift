import SRTP
import Testing

/// AES_CM_128_HMAC_SHA1_80 whole packets through `SRTPSession`, on both backends.
///
/// RFC 3711 Appendix B only covers the keystream and the key derivation, which libsrtp hides,
/// so the expected packets come from the independent implementation in
/// `Vectors/generate_vectors.py` (RFC 3711 section 4 KDF checked against Appendix B.3, AES-CM,
/// HMAC-SHA1-80), keyed with the Appendix B.3 master key and salt.
@Suite struct RFC3711Tests {
    static let masterKeyAndSalt = hex("E1F97A0D3E018BE0D64FA32C06DE4139 0EC675AD498AFEEBB6960B3AABE6")

    static let srtp = hex("""
        8040f17b 8041f8d3 5501a0b2 46be7450 9aaa5ce4 310b26d9 5e135249 979cd7bc
        38109ee0 71f7bf3a a8495d6d d41778d0 2641cbe1 26523e4f e97e1d91
        """)
    static let srtcpIndex1 = hex("""
        81c8000d 4d617273 f2bb7b81 f9b98803 4c297110 352c5378 1268f3d7 6040350f
        49086b0a 2297239a eebaf47f 1a17638a e7a25bc8 80000001 432cfe93 cba0c478
        3d44
        """)

    func session(_ direction: SRTPSession.Direction, _ backend: SRTPBackend) throws -> SRTPSession {
        try SRTPSession(profile: .aes128CMHMACSHA1_80, masterKeyAndSalt: Self.masterKeyAndSalt, direction: direction, backend: backend)
    }

    @Test(arguments: SRTPBackend.allCases)
    func protectRTPMatchesVector(_ backend: SRTPBackend) throws {
        let packet = PacketBuffer(RFC7714Tests.rtp)
        packet.length = try session(.outbound, backend).protectRTP(packet.pointer, length: packet.length, capacity: packet.capacity)
        #expect(packet.bytes == Self.srtp)
    }

    @Test(arguments: SRTPBackend.allCases)
    func unprotectRTPRestoresPlaintext(_ backend: SRTPBackend) throws {
        let packet = PacketBuffer(Self.srtp)
        packet.length = try session(.inbound, backend).unprotectRTP(packet.pointer, length: packet.length)
        #expect(packet.bytes == RFC7714Tests.rtp)
    }

    @Test(arguments: SRTPBackend.allCases)
    func flippedTagFailsAuthentication(_ backend: SRTPBackend) throws {
        let packet = PacketBuffer(Self.srtp)
        packet[packet.length - 1] ^= 0x01
        #expect(throws: SRTPError.authenticationFailed) {
            try session(.inbound, backend).unprotectRTP(packet.pointer, length: packet.length)
        }
    }

    @Test(arguments: SRTPBackend.allCases)
    func protectRTCPMatchesVector(_ backend: SRTPBackend) throws {
        let packet = PacketBuffer(RFC7714Tests.rtcp)
        packet.length = try session(.outbound, backend).protectRTCP(packet.pointer, length: packet.length, capacity: packet.capacity)
        #expect(packet.bytes == Self.srtcpIndex1)
    }

    @Test(arguments: SRTPBackend.allCases)
    func unprotectRTCPRestoresPlaintext(_ backend: SRTPBackend) throws {
        let packet = PacketBuffer(Self.srtcpIndex1)
        packet.length = try session(.inbound, backend).unprotectRTCP(packet.pointer, length: packet.length)
        #expect(packet.bytes == RFC7714Tests.rtcp)
    }
}

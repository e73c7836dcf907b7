import SRTP
import Testing

/// RFC 7714 AEAD_AES_128_GCM, whole packets through `SRTPSession`, on both backends.
///
/// The RFC's section 16.1.1 and 17.1 vectors are given at *session-key* level, while libsrtp
/// only accepts master keys and derives session keys itself (RFC 3711 section 4.3). So
/// `Vectors/generate_vectors.py` first reproduces those RFC packets with its own AES-GCM code,
/// then derives session keys from the RFC key and salt used as *master* key and salt, and
/// encrypts the same RFC packets; the outputs are the literals below.
@Suite struct RFC7714Tests {
    static let masterKeyAndSalt = hex("000102030405060708090a0b0c0d0e0f 517569642070726f2071756f")

    /// RFC 7714 section 16.1: SSRC 0x5501a0b2, seq 0xf17b, "Gallia est omnis divisa in partes tres".
    static let rtp = hex("""
        8040f17b 8041f8d3 5501a0b2 47616c6c 69612065 7374206f 6d6e6973 20646976
        69736120 696e2070 61727465 73207472 6573
        """)
    static let srtp = hex("""
        8040f17b 8041f8d3 5501a0b2 92cb0ecf f0a0db18 8f7bff6b 523933aa cef8ae95
        85ed378a 627836cb 2d6a731d 6c3490d9 25387db1 8c066176 2d59e50a d553d241
        535a
        """)

    /// RFC 7714 section 17: a sender report from SSRC "Mars".
    static let rtcp = hex("""
        81c8000d 4d617273 4e545031 4e545032 52545020 0000042a 0000e930 4c756e61
        deadbeef deadbeef deadbeef deadbeef deadbeef
        """)
    /// SRTCP index 1: libsrtp's first outbound index.
    static let srtcpIndex1 = hex("""
        81c8000d 4d617273 6e525f96 a03f0774 056b3c59 5dc5fc69 f9f17ef5 7a412bee
        d41b5214 0f81a7b0 4c2c30f3 a32afc80 21dfbd46 339c88a7 f76cae84 d03f3da7
        e4e1053a 80000001
        """)
    /// SRTCP index 0x5d4, the RFC's index: inbound accepts any index.
    static let srtcpIndex5D4 = hex("""
        81c8000d 4d617273 028379c1 41968f03 8dcf9136 abcccbf9 f11a3d78 8c59f652
        1873a223 6d057ff4 35dd3c98 532b279e 26f929fb 1d72ba71 975dd381 4c31345c
        315aeaae 800005d4
        """)

    func session(_ direction: SRTPSession.Direction, _ backend: SRTPBackend) throws -> SRTPSession {
        try SRTPSession(profile: .aeadAES128GCM, masterKeyAndSalt: Self.masterKeyAndSalt, direction: direction, backend: backend)
    }

    @Test(arguments: SRTPBackend.allCases)
    func protectRTPMatchesVector(_ backend: SRTPBackend) throws {
        let packet = PacketBuffer(Self.rtp)
        packet.length = try session(.outbound, backend).protectRTP(packet.pointer, length: packet.length, capacity: packet.capacity)
        #expect(packet.bytes == Self.srtp)
    }

    @Test(arguments: SRTPBackend.allCases)
    func unprotectRTPRestoresPlaintext(_ backend: SRTPBackend) throws {
        let packet = PacketBuffer(Self.srtp)
        packet.length = try session(.inbound, backend).unprotectRTP(packet.pointer, length: packet.length)
        #expect(packet.bytes == Self.rtp)
    }

    @Test(arguments: SRTPBackend.allCases, [12, 40, 49, 65])
    func flippedByteFailsAuthentication(_ backend: SRTPBackend, offset: Int) throws {
        let packet = PacketBuffer(Self.srtp)
        packet[offset] ^= 0x01  // payload bytes and, at 49 and 65, the GCM tag
        #expect(throws: SRTPError.authenticationFailed) {
            try session(.inbound, backend).unprotectRTP(packet.pointer, length: packet.length)
        }
    }

    @Test(arguments: SRTPBackend.allCases)
    func protectRTCPMatchesVector(_ backend: SRTPBackend) throws {
        let packet = PacketBuffer(Self.rtcp)
        packet.length = try session(.outbound, backend).protectRTCP(packet.pointer, length: packet.length, capacity: packet.capacity)
        #expect(packet.bytes == Self.srtcpIndex1)
    }

    @Test(arguments: SRTPBackend.allCases, [srtcpIndex1, srtcpIndex5D4])
    func unprotectRTCPRestoresPlaintext(_ backend: SRTPBackend, vector: [UInt8]) throws {
        let packet = PacketBuffer(vector)
        packet.length = try session(.inbound, backend).unprotectRTCP(packet.pointer, length: packet.length)
        #expect(packet.bytes == Self.rtcp)
    }

    @Test(arguments: SRTPBackend.allCases)
    func flippedRTCPTagFailsAuthentication(_ backend: SRTPBackend) throws {
        let packet = PacketBuffer(Self.srtcpIndex5D4)
        packet[packet.length - 5] ^= 0x80  // last tag byte, just before E||index
        #expect(throws: SRTPError.authenticationFailed) {
            try session(.inbound, backend).unprotectRTCP(packet.pointer, length: packet.length)
        }
    }
}

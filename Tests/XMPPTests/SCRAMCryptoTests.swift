import Testing
@testable import XMPP

/// The primitives under SCRAM: RFC 6070 PBKDF2-HMAC-SHA1 and RFC 2202 HMAC-SHA-1 vectors.
@Suite struct SCRAMCryptoTests {
    static func hex(_ bytes: [UInt8]) -> String {
        bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
    }

    @Test(arguments: [
        (1, "0c60c80f961f0e71f3a9b524af6012062fe037a6"),
        (2, "ea6c014dc72d6f8ccd1ed92ace1d41f0d8de8957"),
        (4096, "4b007901b765489abead49d926f721d065a429c1"),
    ])
    func rfc6070PBKDF2(iterations: Int, expected: String) {
        let key = SCRAMCrypto.pbkdf2(password: Array("password".utf8), salt: Array("salt".utf8), iterations: iterations)
        #expect(Self.hex(key) == expected)
    }

    @Test func rfc2202HMAC() {
        let mac = SCRAMCrypto.hmac(key: Array("Jefe".utf8), Array("what do ya want for nothing?".utf8))
        #expect(Self.hex(mac) == "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79")
    }

    @Test func sha1OfABC() {
        #expect(Self.hex(SCRAMCrypto.sha1(Array("abc".utf8))) == "a9993e364706816aba3e25717850c26c9cd0d89d")
        #expect(Self.hex(SCRAMCrypto.sha1([])) == "da39a3ee5e6b4b0d3255bfef95601890afd80709")
    }

    @Test func constantTimeEqual() {
        #expect(SCRAMCrypto.constantTimeEqual([1, 2, 3], [1, 2, 3]))
        #expect(!SCRAMCrypto.constantTimeEqual([1, 2, 3], [1, 2, 4]))
        #expect(!SCRAMCrypto.constantTimeEqual([1, 2], [1, 2, 3]))
    }
}

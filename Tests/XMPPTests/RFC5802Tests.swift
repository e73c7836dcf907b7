import Testing
@testable import XMPP

/// SCRAM-SHA-1 vectors: RFC 5802 §5, and one from an independent generator (Python's hashlib
/// and hmac modules, prosody-style 10000 iterations, a password with "," and "=").
@Suite struct RFC5802Tests {
    static func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

    @Test func rfc5802Section5Example() throws {
        var client = SCRAMSHA1Client(username: "user", password: "pencil", clientNonce: "fyko+d2lbbFgONRv9qkxdawL")
        #expect(Self.text(client.clientFirstMessage) == "n,,n=user,r=fyko+d2lbbFgONRv9qkxdawL")
        let final = try client.clientFinalMessage(
            serverFirst: Array("r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096".utf8)
        )
        #expect(Self.text(final) == "c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,p=v0X8v3Bz2T0CJGbJQyF0X+HI4Ts=")
        try client.verifyServerFinal(Array("v=rmF9pqV8S7suAoZWja4dJRkFsKQ=".utf8))
    }

    @Test func independentVectorWithTenThousandIterations() throws {
        var client = SCRAMSHA1Client(username: "jvb", password: "s3cr3t,=pw", clientNonce: "rOprNGfwEbeRWgbNEkqO")
        let final = try client.clientFinalMessage(
            serverFirst: Array(
                "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=AQIDBAUGBwgJCgsMDQ4PEA==,i=10000".utf8
            )
        )
        #expect(
            Self.text(final)
                == "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=9P+yyx31KFZzYPuNl9O5nXkuebk="
        )
        try client.verifyServerFinal(Array("v=m9QmdOQke/75KN78iDnN1KgLq8k=".utf8))
    }

    /// RFC 5802 §5.1: "=" and "," in the user name are escaped as =3D and =2C.
    @Test func saslNameEscaping() {
        let client = SCRAMSHA1Client(username: "a=b,c", password: "x", clientNonce: "n")
        #expect(Self.text(client.clientFirstMessage) == "n,,n=a=3Db=2Cc,r=n")
    }
}

import DTLS
import Testing

@Suite struct DTLSFingerprintTests {
    static let sha256 = (0..<32).map { _ in "ab" }.joined(separator: ":")

    @Test func normalisesCase() throws {
        let fingerprint = try #require(DTLSFingerprint(hashFunction: "SHA-256", value: Self.sha256))
        #expect(fingerprint.hashFunction == "sha-256")
        #expect(fingerprint.value == Self.sha256.uppercased())
        #expect(fingerprint == DTLSFingerprint(hashFunction: "sha-256", value: Self.sha256.uppercased()))
    }

    @Test(arguments: [("sha-1", 20), ("sha-224", 28), ("sha-256", 32), ("sha-384", 48), ("sha-512", 64)])
    func acceptsRegisteredHashes(hash: String, octets: Int) {
        let value = Array(repeating: "0F", count: octets).joined(separator: ":")
        #expect(DTLSFingerprint(hashFunction: hash, value: value) != nil)
        let short = Array(repeating: "0F", count: octets - 1).joined(separator: ":")
        #expect(DTLSFingerprint(hashFunction: hash, value: short) == nil)
    }

    @Test(arguments: ["md5", "sha-257", ""])
    func rejectsUnknownHashes(hash: String) {
        #expect(DTLSFingerprint(hashFunction: hash, value: Self.sha256) == nil)
    }

    @Test func rejectsBadHex() {
        #expect(DTLSFingerprint(hashFunction: "sha-256", value: "zz" + Self.sha256.dropFirst(2)) == nil)
        #expect(DTLSFingerprint(hashFunction: "sha-256", value: "abc" + Self.sha256.dropFirst(2)) == nil)
        #expect(DTLSFingerprint(hashFunction: "sha-256", value: Self.sha256 + ":") == nil)
        #expect(DTLSFingerprint(hashFunction: "sha-256", value: "") == nil)
    }

    @Test func sha1FingerprintVerifiesPeer() throws {
        // Any accepted hash works for verification, not just our own sha-256.
        let pair = try DTLSPair(serverSees: .some(nil))
        pair.handshake()
        let sha1 = try #require(DTLSFingerprint(hashFunction: "sha-1", value: Array(repeating: "00", count: 20).joined(separator: ":")))
        pair.server.setRemoteFingerprint(sha1)
        #expect(pair.server.state == .failed(.fingerprintMismatch))
    }
}

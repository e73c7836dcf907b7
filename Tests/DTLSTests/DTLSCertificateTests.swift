import DTLS
import Testing

@Suite struct DTLSCertificateTests {
    @Test func fingerprintIsSHA256OfFreshKey() throws {
        let first = try DTLSCertificate.generate()
        let second = try DTLSCertificate.generate()
        #expect(first.fingerprint.hashFunction == "sha-256")
        #expect(first.fingerprint.value.split(separator: ":").count == 32)
        #expect(first.fingerprint.value == first.fingerprint.value.uppercased())
        #expect(first.fingerprint != second.fingerprint)
        // Round-trips through the validating initialiser, as Colibri will parse it.
        #expect(DTLSFingerprint(hashFunction: "sha-256", value: first.fingerprint.value) == first.fingerprint)
    }

    @Test func oneCertificateServesManyEndpoints() throws {
        let certificate = try DTLSCertificate.generate()
        let endpoints = try (0..<10).map { _ in
            try DTLSEndpoint(certificate: certificate, role: .server, remoteFingerprint: nil)
        }
        #expect(endpoints.allSatisfy { $0.state == .new })
    }
}

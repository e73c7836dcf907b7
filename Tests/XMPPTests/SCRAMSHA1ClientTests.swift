import Testing
@testable import XMPP

@Suite struct SCRAMSHA1ClientTests {
    static let nonce = "fyko+d2lbbFgONRv9qkxdawL"

    static func serverFirst(_ text: String) throws(SASLError) -> [UInt8] {
        var client = SCRAMSHA1Client(username: "user", password: "pencil", clientNonce: nonce)
        return try client.clientFinalMessage(serverFirst: Array(text.utf8))
    }

    @Test(arguments: [
        ("r=other3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096", SASLError.nonceMismatch),
        ("r=fyko+d2lbbFgONRv9qkxdawL,s=QSXCR+Q6sek8bf92,i=4096", .nonceMismatch),  // no server part
        ("r=fyko+d2lbbFgONRv9qkxdawLx,s=not*base64,i=4096", .invalidSalt),
        ("r=fyko+d2lbbFgONRv9qkxdawLx,s=,i=4096", .invalidSalt),
        ("r=fyko+d2lbbFgONRv9qkxdawLx,s=QSXCR+Q6sek8bf92,i=1", .iterationCountOutOfRange),
        ("r=fyko+d2lbbFgONRv9qkxdawLx,s=QSXCR+Q6sek8bf92,i=4095", .iterationCountOutOfRange),
        ("r=fyko+d2lbbFgONRv9qkxdawLx,s=QSXCR+Q6sek8bf92,i=999999999999", .iterationCountOutOfRange),
        ("r=fyko+d2lbbFgONRv9qkxdawLx,s=QSXCR+Q6sek8bf92,i=-4096", .iterationCountOutOfRange),
        ("r=fyko+d2lbbFgONRv9qkxdawLx,s=QSXCR+Q6sek8bf92,i=", .iterationCountOutOfRange),
        ("m=ext,r=fyko+d2lbbFgONRv9qkxdawLx,s=QSXCR+Q6sek8bf92,i=4096", .unsupportedMandatoryExtension),
        ("s=QSXCR+Q6sek8bf92,r=fyko+d2lbbFgONRv9qkxdawLx,i=4096", .malformedServerFirst),
        ("r=fyko+d2lbbFgONRv9qkxdawLx", .malformedServerFirst),
        ("", .malformedServerFirst),
    ])
    func badServerFirstIsRefused(message: String, error: SASLError) {
        #expect(throws: error) { try Self.serverFirst(message) }
    }

    @Test func extensionsAfterIterationCountAreAllowed() throws {
        _ = try Self.serverFirst("r=fyko+d2lbbFgONRv9qkxdawLx,s=QSXCR+Q6sek8bf92,i=4096,x=future")
    }

    @Test func serverFinalChecks() throws {
        var client = SCRAMSHA1Client(username: "user", password: "pencil", clientNonce: Self.nonce)
        #expect(throws: SASLError.unexpectedMessage) { try client.verifyServerFinal(Array("v=AAAA".utf8)) }
        _ = try client.clientFinalMessage(
            serverFirst: Array("r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096".utf8)
        )
        #expect(throws: SASLError.serverSignatureMismatch) {
            try client.verifyServerFinal(Array("v=rmF9pqV8S7suAoZWja4dJRkFsKA=".utf8))
        }
        #expect(throws: SASLError.serverError("invalid-proof")) {
            try client.verifyServerFinal(Array("e=invalid-proof".utf8))
        }
        #expect(throws: SASLError.malformedServerFinal) { try client.verifyServerFinal(Array("x=1".utf8)) }
        #expect(throws: SASLError.malformedServerFinal) { try client.verifyServerFinal(Array("v=@@@@".utf8)) }
        // A second server-first is out of order.
        #expect(throws: SASLError.unexpectedMessage) {
            _ = try client.clientFinalMessage(serverFirst: Array("r=fyko+d2lbbFgONRv9qkxdawLx,s=QQ==,i=4096".utf8))
        }
    }

    @Test func randomNoncesDifferAndArePrintable() throws {
        let a = try SCRAMSHA1Client.randomNonce()
        let b = try SCRAMSHA1Client.randomNonce()
        #expect(a != b)
        #expect(a.utf8.count == 32)
        #expect(!a.contains(","))
    }

    @Test func descriptionsHideThePassword() {
        let client = SCRAMSHA1Client(username: "user", password: "pencil", clientNonce: Self.nonce)
        var dumped = ""
        dump(client, to: &dumped)
        for text in [String(describing: client), String(reflecting: client), "\(client)", dumped] {
            #expect(!text.contains("pencil"))
        }
    }
}

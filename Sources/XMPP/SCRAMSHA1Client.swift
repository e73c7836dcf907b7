/// The client side of SASL SCRAM-SHA-1 without channel binding (RFC 5802), as prosody's
/// `internal_hashed` store offers it.
///
///     C: n,,n=<user>,r=<client nonce>                          client-first-message
///     S: r=<client nonce><server nonce>,s=<base64 salt>,i=<n>  server-first-message
///     C: c=biws,r=<nonce>,p=<base64 ClientProof>               client-final-message
///     S: v=<base64 ServerSignature>   (or e=<error>)           server-final-message
///
/// A value type: each step returns the next message and records what the following step
/// checks. Passwords are kept as bytes and masked in every description.
public struct SCRAMSHA1Client: Sendable, CustomStringConvertible, CustomReflectable {
    /// The iteration counts accepted by default: RFC 5802 §5.1's 4096 as the floor (a lower count
    /// would be a downgrade), and a ceiling so a hostile server cannot make PBKDF2 run for minutes.
    public static let defaultIterationRange: ClosedRange<Int> = 4096...600_000

    /// `base64("n,,")`: the GS2 header for "no channel binding, no authzid".
    private static let channelBinding = "biws"

    private let password: [UInt8]
    private let clientNonce: String
    private let iterationRange: ClosedRange<Int>
    /// `n=<user>,r=<client nonce>`, part of the AuthMessage.
    private let clientFirstBare: String
    /// Set by `clientFinalMessage(serverFirst:)`.
    private var expectedServerSignature: [UInt8]?

    /// Creates a client. `clientNonce` must be printable ASCII without commas; use
    /// `randomNonce()` outside tests.
    public init(
        username: String, password: String, clientNonce: String,
        iterationRange: ClosedRange<Int> = defaultIterationRange
    ) {
        self.password = Array(password.utf8)
        self.clientNonce = clientNonce
        self.iterationRange = iterationRange
        clientFirstBare = "n=" + Self.saslName(username) + ",r=" + clientNonce
    }

    /// The client-first-message: GS2 header plus the bare part.
    public var clientFirstMessage: [UInt8] { Array(("n,," + clientFirstBare).utf8) }

    /// Checks the server-first-message and returns the client-final-message with the proof.
    public mutating func clientFinalMessage(serverFirst: [UInt8]) throws(SASLError) -> [UInt8] {
        guard expectedServerSignature == nil else { throw .unexpectedMessage }
        let first = try ServerFirstMessage(serverFirst, iterationRange: iterationRange)
        guard first.nonce.hasPrefix(clientNonce), first.nonce.utf8.count > clientNonce.utf8.count else {
            throw .nonceMismatch
        }
        let withoutProof = "c=" + Self.channelBinding + ",r=" + first.nonce
        let authMessage = Array((clientFirstBare + "," + first.text + "," + withoutProof).utf8)
        let salted = SCRAMCrypto.pbkdf2(password: password, salt: first.salt, iterations: first.iterations)
        let clientKey = SCRAMCrypto.hmac(key: salted, Array("Client Key".utf8))
        let storedKey = SCRAMCrypto.sha1(clientKey)
        let clientSignature = SCRAMCrypto.hmac(key: storedKey, authMessage)
        let serverKey = SCRAMCrypto.hmac(key: salted, Array("Server Key".utf8))
        let serverSignature = SCRAMCrypto.hmac(key: serverKey, authMessage)
        guard clientKey.count == SCRAMCrypto.digestLength, clientSignature.count == SCRAMCrypto.digestLength,
            serverSignature.count == SCRAMCrypto.digestLength
        else { throw .cryptoFailure }
        let proof = zip(clientKey, clientSignature).map { $0 ^ $1 }
        expectedServerSignature = serverSignature
        return Array((withoutProof + ",p=" + Base64.encode(proof)).utf8)
    }

    /// Verifies the server-final-message; throws unless the server proved it knows the password.
    public func verifyServerFinal(_ message: [UInt8]) throws(SASLError) {
        guard let expectedServerSignature else { throw .unexpectedMessage }
        let text = String(decoding: message, as: UTF8.self)
        if text.hasPrefix("e=") { throw .serverError(String(text.dropFirst(2))) }
        guard text.hasPrefix("v=") else { throw .malformedServerFinal }
        // RFC 5802 §7 allows extensions after the verifier.
        let value = text.dropFirst(2).prefix { $0 != "," }
        guard let signature = Base64.decode(value) else { throw .malformedServerFinal }
        guard SCRAMCrypto.constantTimeEqual(signature, expectedServerSignature) else { throw .serverSignatureMismatch }
    }

    /// A fresh nonce: 24 random bytes as base64 (32 printable characters, no comma).
    public static func randomNonce() throws(SASLError) -> String {
        guard let bytes = SCRAMCrypto.randomBytes(24) else { throw .cryptoFailure }
        return Base64.encode(bytes)
    }

    /// RFC 5802 §5.1 `saslname`: `=` and `,` are escaped. (SASLprep is not applied: account
    /// names here are ASCII, as prosodyctl creates them.)
    static func saslName(_ username: String) -> String {
        var out = ""
        for character in username {
            switch character {
            case "=": out += "=3D"
            case ",": out += "=2C"
            default: out.append(character)
            }
        }
        return out
    }

    /// The nonce prefix only; the password never appears.
    public var description: String { "SCRAMSHA1Client(clientNonce: \(clientNonce), password: <redacted>)" }

    /// A mirror without the password or derived keys.
    public var customMirror: Mirror { Mirror(self, children: ["clientNonce": clientNonce]) }
}

/// A parsed SCRAM server-first-message (RFC 5802 §7):
///
///     server-first-message = [reserved-mext ","] nonce "," salt "," iteration-count ["," extensions]
///     nonce = "r=" c-nonce s-nonce    salt = "s=" base64    iteration-count = "i=" posit-number
struct ServerFirstMessage {
    /// The whole message as text: it is part of the AuthMessage verbatim.
    let text: String
    /// Client nonce followed by server nonce.
    let nonce: String
    /// The decoded salt.
    let salt: [UInt8]
    /// The PBKDF2 iteration count.
    let iterations: Int

    init(_ bytes: [UInt8], iterationRange: ClosedRange<Int>) throws(SASLError) {
        guard let text = String(validating: bytes, as: UTF8.self) else { throw .malformedServerFirst }
        if text.hasPrefix("m=") { throw .unsupportedMandatoryExtension }
        let parts = text.split(separator: ",", omittingEmptySubsequences: false)
        guard parts.count >= 3, parts[0].hasPrefix("r="), parts[1].hasPrefix("s="), parts[2].hasPrefix("i=") else {
            throw .malformedServerFirst
        }
        let nonce = parts[0].dropFirst(2)
        // RFC 5802 §7: printable ASCII except ",".
        guard !nonce.isEmpty, nonce.utf8.allSatisfy({ $0 >= 0x21 && $0 <= 0x7E }) else { throw .malformedServerFirst }
        guard let salt = Base64.decode(parts[1].dropFirst(2)), !salt.isEmpty else { throw .invalidSalt }
        let count = parts[2].dropFirst(2)
        guard !count.isEmpty, count.utf8.count <= 9, count.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
            let iterations = Int(count), iterationRange.contains(iterations)
        else { throw .iterationCountOutOfRange }
        self.text = text
        self.nonce = String(nonce)
        self.salt = salt
        self.iterations = iterations
    }
}

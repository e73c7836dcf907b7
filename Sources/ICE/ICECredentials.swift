/// The ICE username fragment and password of one side (RFC 8445 §5.3, RFC 8839 §5.4).
///
/// The bridge's local ufrag doubles as the single-port demux key (see `STUNPeek`), so local
/// ufrags must be unique across endpoints; `random()` gives 8 characters from a 36-letter
/// alphabet, about 41 bits.
public struct ICECredentials: Hashable, Sendable {
    /// The username fragment (`ice-ufrag`).
    public var ufrag: String
    /// The password (`ice-pwd`), the short-term credential key of MESSAGE-INTEGRITY.
    public var password: String

    /// Credentials from signalled values.
    public init(ufrag: String, password: String) {
        self.ufrag = ufrag
        self.password = password
    }

    /// Fresh local credentials: an 8-character ufrag and a 24-character password from `[a-z0-9]`.
    ///
    /// RFC 8839 asks for at least 24 bits of randomness in the ufrag and 128 in the password;
    /// 24 characters of a 36-letter alphabet carry about 124 bits, which is what browsers
    /// and jitsi-videobridge use in practice.
    public static func random() -> ICECredentials {
        var generator = SystemRandomNumberGenerator()
        return ICECredentials(
            ufrag: randomString(count: 8, using: &generator),
            password: randomString(count: 24, using: &generator)
        )
    }

    private static func randomString(count: Int, using generator: inout SystemRandomNumberGenerator) -> String {
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789".utf8)
        var bytes = [UInt8]()
        bytes.reserveCapacity(count)
        for _ in 0..<count {
            bytes.append(alphabet[Int(generator.next(upperBound: UInt64(alphabet.count)))])
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

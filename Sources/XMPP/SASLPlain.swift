/// SASL PLAIN (RFC 4616): `authzid NUL authcid NUL passwd`, with an empty authzid.
/// Only ever sent inside TLS unless the configuration explicitly allows otherwise.
enum SASLPlain {
    /// The initial response for `username` and `password`.
    static func initialResponse(username: String, password: String) -> [UInt8] {
        [0] + Array(username.utf8) + [0] + Array(password.utf8)
    }
}

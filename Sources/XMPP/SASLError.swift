/// Why a SASL exchange was abandoned on the client side (RFC 5802 §5, RFC 6120 §6.4).
public enum SASLError: Error, Sendable, Equatable {
    /// The server-first-message lacks `r=`, `s=` or `i=` in that order, or is not UTF-8.
    case malformedServerFirst
    /// The server-first-message starts with `m=`, a mandatory extension this client lacks.
    case unsupportedMandatoryExtension
    /// The server nonce does not extend the client nonce.
    case nonceMismatch
    /// The salt is not base64 or is empty.
    case invalidSalt
    /// The iteration count is not a number inside the accepted range.
    case iterationCountOutOfRange
    /// The server-final-message is neither `v=…` nor `e=…`.
    case malformedServerFinal
    /// The server-final-message reported `e=<value>`.
    case serverError(String)
    /// `v=` does not match the signature a server knowing the password would send.
    case serverSignatureMismatch
    /// SASL success arrived without the server signature SCRAM requires.
    case missingServerSignature
    /// A SASL payload is not valid base64.
    case invalidBase64
    /// A message arrived in the wrong step of the exchange.
    case unexpectedMessage
    /// OpenSSL could not compute a digest or provide random bytes.
    case cryptoFailure
}

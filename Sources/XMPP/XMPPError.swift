public import XMLStream

/// Why an XMPP connection failed. After `.failed` the connection is finished: the shell closes
/// the socket and reconnects with a new `XMPPClientConnection` after `ReconnectBackoff`'s delay.
public enum XMPPError: Error, Sendable, Equatable {
    /// The server's bytes were refused by the XML parser (DTD, entity, over 1 MiB, malformed);
    /// a `<stream:error>` was sent before closing.
    case xml(XMLStreamError)
    /// The server sent `<stream:error>` with this condition (RFC 6120 §4.9.3) and optional text.
    case streamError(condition: String, text: String?)
    /// The server did something out of protocol order (description says what).
    case protocolViolation(String)
    /// Bytes arrived after `<proceed/>` before TLS was up: possible STARTTLS injection.
    case dataAfterProceed
    /// TLS is required by the configuration but the server does not offer STARTTLS.
    case tlsUnavailable
    /// The server requires STARTTLS but the configuration disables TLS.
    case tlsRequiredByServer
    /// No offered mechanism is usable (PLAIN without TLS counts as unusable unless allowed).
    case noUsableMechanism(offered: [String])
    /// The client-side SCRAM checks failed (bad server-first, wrong server signature…).
    case sasl(SASLError)
    /// The server answered `<failure>` with this SASL condition (e.g. `not-authorized`).
    case authenticationFailed(condition: String)
    /// Resource binding was refused or answered without a JID.
    case bindFailed(condition: String)
    /// Login did not finish within the configured time.
    case loginTimeout
    /// A XEP-0199 ping got no answer in time.
    case pingTimeout
}

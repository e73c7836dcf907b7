/// Which side of the DTLS handshake this endpoint plays (RFC 5763 `a=setup`).
///
/// For browser endpoints the bridge offers `actpass`, the browser answers `active`, so the
/// bridge is the ``server``; relays may make it the ``client``.
public enum DTLSRole: Sendable, Equatable {
    /// Sends the ClientHello (`a=setup:active`).
    case client
    /// Waits for the ClientHello (`a=setup:passive`).
    case server
}

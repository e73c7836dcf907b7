/// The life cycle of a ``DTLSEndpoint``.
///
/// `connected` means the handshake finished *and* the peer certificate matched the signalled
/// fingerprint; a finished handshake still waiting for its fingerprint stays `handshaking`.
public enum DTLSState: Sendable, Equatable {
    /// Created; no handshake message sent or received yet.
    case new
    /// Handshake under way, or finished and waiting for the remote fingerprint.
    case handshaking
    /// Handshake finished and peer verified: keys and application data are available.
    case connected
    /// Failed for good; the endpoint must be replaced.
    case failed(DTLSError)
    /// The peer closed the association with close_notify.
    case closed
}

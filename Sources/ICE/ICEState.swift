/// The connection state of an `ICEAgent`, in the spirit of `RTCIceConnectionState`.
public enum ICEState: Sendable, Equatable {
    /// Remote credentials are not known yet; no checks are sent.
    case new
    /// Checks are running and no pair is selected yet.
    case checking
    /// A nominated pair is selected and consent is fresh.
    case connected
    /// Consent on the selected pair expired (RFC 7675); a fresh response reconnects.
    case disconnected
    /// No pair was selected within the failure timeout; the agent sends nothing more.
    case failed
}

public import Primitives

/// What an `ICEAgent` tells its owner; drained with `pollEvent()` after every input.
public enum ICEEvent: Sendable, Equatable {
    /// A pair was selected for the first time, or consent on the selected pair came back after
    /// `.consentLost`; the payload is the remote address media goes to.
    case connected(PeerAddress)
    /// A different pair was nominated (for example after a NAT rebinding); media goes here now.
    case selectedAddressChanged(PeerAddress)
    /// No successful consent response on the selected pair for 30 s (RFC 7675 §5.1).
    case consentLost
    /// No pair was selected within 30 s of starting checks.
    case failed
}

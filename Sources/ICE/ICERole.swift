/// Which side nominates (RFC 8445 §6.1.1).
///
/// The bridge is always controlling, as jitsi-videobridge is; the controlled role exists for
/// the in-process test peer and the load harness, which play the browser's part.
public enum ICERole: Sendable, Equatable {
    /// Nominates pairs with USE-CANDIDATE and sends ICE-CONTROLLING.
    case controlling
    /// Follows the peer's nomination and sends ICE-CONTROLLED.
    case controlled
}

/// Which way a session's packets travel.
public enum SRTPDirection: Sendable {
    /// Unprotects what the peer sent; replay window of 1024 packets.
    case inbound
    /// Protects what we send; re-protecting an already sent index is allowed, because the
    /// bridge re-sends cached packets for NACK.
    case outbound
}

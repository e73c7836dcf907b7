/// How one endpoint's attempt to reach the media port ended, as the self-check judges it.
enum ReachabilityVerdict: Sendable, Equatable {
    /// ICE and DTLS completed: the client reached the port and the bridge reached the client.
    case connected
    /// Not one authenticated STUN message arrived from the client: its packets do not reach
    /// the advertised addresses and port (not forwarded, filtered, or a wrong address).
    case noChecksArrived
    /// Checks arrived but ICE or DTLS never completed: the bridge's replies do not get back.
    case checksButNoConnection
}

import Primitives

/// How far one endpoint got toward a working connection, for the reachability self-check.
///
/// The clock starts when the focus signals the client's ICE credentials: the client has the
/// bridge's candidates by then and checks them within a few hundred milliseconds, so silence
/// for `verdictDelayMilliseconds` means its packets do not arrive.
struct EndpointReachability {
    /// Long enough for a client on a slow path (Chromium retransmits a check after 250 ms and
    /// paces new ones 50 ms apart), well short of the 30 s after which ICE itself gives up.
    static let verdictDelayMilliseconds: Int64 = 10_000

    private(set) var remoteSignalledAt: Instant?
    /// An authenticated STUN request or response from the client arrived.
    private(set) var heardFromClient = false
    private(set) var isConnected = false
    private var judged = false

    mutating func remoteSignalled(now: Instant) {
        if remoteSignalledAt == nil { remoteSignalledAt = now }
    }

    mutating func clientHeard() { heardFromClient = true }

    /// SRTP keys are in place; a connection that comes after a failure verdict still counts.
    mutating func connected() -> ReachabilityVerdict? {
        guard !isConnected else { return nil }
        isConnected = true
        judged = true
        return .connected
    }

    /// When `verdict(at:)` will have one to give, if it is still waiting.
    var deadline: Instant? {
        guard !judged else { return nil }
        return remoteSignalledAt?.adding(milliseconds: Self.verdictDelayMilliseconds)
    }

    /// The failure verdict once the delay has passed without a connection; given once.
    mutating func verdict(at now: Instant) -> ReachabilityVerdict? {
        guard let deadline, now >= deadline else { return nil }
        judged = true
        return heardFromClient ? .checksButNoConnection : .noChecksArrived
    }
}

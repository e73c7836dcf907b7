/// What the self-check concludes about clients' access to the media port, for health, metrics,
/// presence and `/colibri/stats`.
public struct MediaReachability: Sendable, Equatable {
    public enum State: String, Sendable {
        /// No endpoint has been judged yet.
        case unknown
        /// The latest judged endpoint connected.
        case reachable
        /// Endpoints fail to connect and none has connected since (see `ReachabilityMonitor`).
        case unreachable
    }

    public var state: State = .unknown
    /// Endpoints that connected (counted once each).
    public var connections: UInt64 = 0
    /// Endpoints from which no check arrived within the verdict delay.
    public var endpointsWithoutChecks: UInt64 = 0
    /// Endpoints whose checks arrived but which never connected within the delay.
    public var endpointsWithoutConnection: UInt64 = 0
    /// Failures since the last connection.
    public var consecutiveFailures = 0
    /// What an operator should read while `state` is `unreachable`: what failed and what to check.
    public var detail: String?

    public init() {}
}

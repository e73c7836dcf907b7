public import Primitives

/// Where a bridge stands on its way out (JVB's ShutdownManager states, docs/colibri2.md §3).
public enum ShutdownPhase: Sendable, Equatable {
    /// Serving normally.
    case running
    /// Refusing new conferences, waiting for existing ones to end (presence `graceful_shutdown`).
    case gracefulShutdown
    /// About to exit (presence `shutting_down`: jicofo moves the remaining participants away).
    case shuttingDown
    /// Time to exit.
    case finished
}

/// The sans-IO shutdown state machine: requests and endpoint counts in, phase out.
///
/// running → graceful shutdown (REST or the first SIGTERM) → shutting down once no endpoint is
/// left or `maxGraceful` has passed → finished after `shuttingDownDelay`, which only applies
/// when endpoints remain (it exists so jicofo can move them; an empty bridge has nothing to move).
/// A non-graceful request skips the graceful phase.
public struct ShutdownCoordinator: Sendable {
    /// How long after the request an endpoint count is trusted: statistics are published once a
    /// second, so an older snapshot may miss a conference created just before the request.
    public static let statisticsSettleNanoseconds: UInt64 = 1_500_000_000

    /// The current phase.
    public private(set) var phase = ShutdownPhase.running
    let maxGracefulNanoseconds: UInt64
    let shuttingDownDelayNanoseconds: UInt64
    private var requestedAt: Instant?
    private var exitAt: Instant?

    /// A coordinator with the two configured durations (seconds).
    public init(maxGracefulSeconds: Int64, shuttingDownDelaySeconds: Int64) {
        maxGracefulNanoseconds = UInt64(max(0, maxGracefulSeconds)) * 1_000_000_000
        shuttingDownDelayNanoseconds = UInt64(max(0, shuttingDownDelaySeconds)) * 1_000_000_000
    }

    /// Starts a graceful shutdown, or (with `graceful: false`) goes straight to shutting down.
    /// Repeated requests never move the phase backwards.
    public mutating func request(graceful: Bool, now: Instant) {
        switch (phase, graceful) {
        case (.running, true):
            phase = .gracefulShutdown
            requestedAt = now
        case (.running, false), (.gracefulShutdown, false):
            phase = .shuttingDown
            requestedAt = requestedAt ?? now
        default:
            return
        }
    }

    /// Skips whatever waiting is left (the second SIGTERM).
    public mutating func finishNow() { phase = .finished }

    /// Advances with the latest endpoint count; returns true when the phase changed.
    @discardableResult
    public mutating func update(now: Instant, endpoints: Int) -> Bool {
        let before = phase
        if phase == .gracefulShutdown, let requestedAt {
            let elapsed = now.nanoseconds(since: requestedAt)
            let settled = elapsed >= Self.statisticsSettleNanoseconds
            if (settled && endpoints <= 0) || elapsed >= maxGracefulNanoseconds { phase = .shuttingDown }
        }
        if phase == .shuttingDown {
            if exitAt == nil {
                exitAt = endpoints > 0 ? now.adding(nanoseconds: shuttingDownDelayNanoseconds) : now
            }
            if let exitAt, now >= exitAt { phase = .finished }
        }
        return phase != before
    }
}

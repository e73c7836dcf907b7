public import Primitives
import Synchronization

/// The bridge's operational state that every shell reads: drain, the shutdown phase, stress and
/// the XMPP connection counts. HTTP (drain, shutdown), the operations service (signals, timers)
/// and the XMPP shards (presence) share one instance; observers hear about every change that
/// jicofo should see at once rather than at the next presence tick.
public final class BridgeOperations: Sendable {
    /// One consistent copy of the state.
    public struct Snapshot: Sendable, Equatable {
        /// Drain mode: jicofo prefers other bridges for new conferences.
        public var drain = false
        /// Where the shutdown stands.
        public var phase = ShutdownPhase.running
        /// The latest stress level.
        public var stress = 0.0
        /// XMPP connections configured, logged in, and in the brewery.
        public var xmppConfigured = 0
        /// XMPP connections logged in.
        public var xmppConnected = 0
        /// XMPP connections whose brewery join was confirmed.
        public var breweriesJoined = 0
        /// XMPP connections lost since start.
        public var xmppDisconnects: UInt64 = 0

        /// Presence flag `graceful_shutdown` (sticky in jicofo, so also true once shutting down).
        public var gracefulShutdown: Bool { phase != .running }
        /// Presence flag `shutting_down`.
        public var shuttingDown: Bool { phase == .shuttingDown || phase == .finished }

        /// A running bridge with nothing connected.
        public init() {}
    }

    private struct State {
        var snapshot = Snapshot()
        var coordinator: ShutdownCoordinator
        var stressMeter: StressMeter
        var observers: [@Sendable () -> Void] = []
    }

    private let state: Mutex<State>

    /// Creates the state for these settings.
    public init(settings: ServerSettings) {
        state = Mutex(State(
            coordinator: ShutdownCoordinator(
                maxGracefulSeconds: settings.gracefulShutdownMaxDuration,
                shuttingDownDelaySeconds: settings.shuttingDownDelay
            ),
            stressMeter: StressMeter(capacity: settings.stressPacketRate)
        ))
    }

    /// The current state.
    public var snapshot: Snapshot { state.withLock { $0.snapshot } }

    /// Calls `observer` (on the changing thread; it must not block) after every change of drain
    /// or shutdown phase.
    public func observe(_ observer: @escaping @Sendable () -> Void) {
        state.withLock { $0.observers.append(observer) }
    }

    /// Turns drain mode on or off.
    public func setDrain(_ drain: Bool) {
        mutate { $0.snapshot.drain = drain }
    }

    /// A shutdown request (REST or signal); see `ShutdownCoordinator.request`.
    public func requestShutdown(graceful: Bool, now: Instant) {
        mutate { state in
            state.coordinator.request(graceful: graceful, now: now)
            state.snapshot.phase = state.coordinator.phase
        }
    }

    /// Exit without waiting any longer.
    public func finishNow() {
        mutate { state in
            state.coordinator.finishNow()
            state.snapshot.phase = state.coordinator.phase
        }
    }

    /// Periodic update from the latest media statistics: stress and the shutdown timers.
    public func tick(now: Instant, endpoints: Int, packets: UInt64) {
        mutate { state in
            state.stressMeter.update(packets: packets, now: now)
            state.snapshot.stress = state.stressMeter.stress
            state.coordinator.update(now: now, endpoints: endpoints)
            state.snapshot.phase = state.coordinator.phase
        }
    }

    /// XMPP bookkeeping from the shards.
    func updateXMPP(_ change: (inout Snapshot) -> Void) {
        state.withLock { change(&$0.snapshot) }
    }

    /// Applies `change`; observers run outside the lock when drain or the phase moved.
    private func mutate(_ change: (inout State) -> Void) {
        let observers = state.withLock { state -> [@Sendable () -> Void] in
            let before = (state.snapshot.drain, state.snapshot.phase)
            change(&state)
            return before == (state.snapshot.drain, state.snapshot.phase) ? [] : state.observers
        }
        for observer in observers { observer() }
    }
}

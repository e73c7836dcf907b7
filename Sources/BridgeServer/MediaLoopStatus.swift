public import Bridge
public import Primitives
import Synchronization

/// What the media thread shares with the HTTP side: a heartbeat, the last published statistics
/// and whether the thread has exited. The thread writes the heartbeat with one atomic store per
/// loop turn and the statistics once a second; nothing is locked per packet.
public final class MediaLoopStatus: Sendable {
    /// How stale the heartbeat may be before the loop counts as unhealthy (JVB's health check
    /// also allows a few seconds).
    public static let healthyHeartbeatAge: UInt64 = 5_000_000_000

    private let heartbeat = Atomic<UInt64>(0)
    private let exited = Atomic<Bool>(false)
    private let snapshot = Mutex(BridgeStatistics())
    private let stopWaiters = Mutex<[CheckedContinuation<Void, Never>]>([])

    /// Creates a status that is unhealthy until the first heartbeat.
    public init() {}

    /// Records that the loop is turning (media thread).
    func beat(_ now: Instant) { heartbeat.store(now.nanoseconds, ordering: .relaxed) }

    /// Stores a statistics snapshot (media thread, about once a second).
    func publish(_ statistics: BridgeStatistics) { snapshot.withLock { $0 = statistics } }

    /// The last published statistics.
    public var statistics: BridgeStatistics { snapshot.withLock { $0 } }

    /// True while the thread runs and its heartbeat is younger than `healthyHeartbeatAge`.
    public func isHealthy(now: Instant) -> Bool {
        let last = heartbeat.load(ordering: .relaxed)
        guard last != 0, !exited.load(ordering: .acquiring) else { return false }
        return now.nanoseconds(since: Instant(nanoseconds: last)) < Self.healthyHeartbeatAge
    }

    /// True once the media thread has left its loop.
    public var hasExited: Bool { exited.load(ordering: .acquiring) }

    /// Marks the thread as gone and wakes everyone waiting in `waitForExit` (media thread).
    func markExited() {
        exited.store(true, ordering: .releasing)
        let waiters = stopWaiters.withLock { waiters in
            defer { waiters = [] }
            return waiters
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Suspends until the media thread has exited.
    func waitForExit() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let alreadyExited = stopWaiters.withLock { waiters -> Bool in
                if exited.load(ordering: .acquiring) { return true }
                waiters.append(continuation)
                return false
            }
            if alreadyExited { continuation.resume() }
        }
    }
}

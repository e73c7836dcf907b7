import Synchronization

/// How the receiving thread knows every lane finished a fan-out: each lane arrives once, and the
/// receiving thread waits until all did. The arrivals' release and the wait's loads make
/// everything a lane wrote visible to the receiving thread before it goes on. Polling through a
/// sleeping lane's wake-up and share would cost the receiving thread's core more than both, so
/// it waits as `AdaptiveWait` does.
final class LaneBarrier: Sendable {
    private let remaining = Atomic<Int>(0)
    private let waiter = AdaptiveWait()

    /// Expects `count` arrivals (receiving thread, before it starts the lanes).
    func expect(_ count: Int) { remaining.store(count, ordering: .releasing) }

    /// One lane is done (lane thread).
    func arrive() {
        if remaining.subtract(1, ordering: .sequentiallyConsistent).newValue == 0 { waiter.wakeIfAsleep() }
    }

    /// Waits for every expected arrival (receiving thread).
    func wait() {
        waiter.wait { remaining.load(ordering: .sequentiallyConsistent) == 0 }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import Synchronization

/// How the receiving thread knows every lane finished a fan-out: each lane arrives once, and the
/// receiving thread waits until all did. The arrivals' release and the wait's acquire make
/// everything a lane wrote visible to the receiving thread before it goes on.
///
/// The wait polls while the recent waits were short (a busy bridge, its lanes awake and their
/// shares about as long as the receiving thread's), else only briefly, then sleeps on a semaphore
/// that the last lane posts only when it sees the receiving thread asleep: polling through a
/// sleeping lane's wake-up and share would cost the receiving thread's core more than both.
final class LaneBarrier: @unchecked Sendable {
    private let remaining = Atomic<Int>(0)
    private let sleeping = Atomic<Bool>(false)
    private let wake: UnsafeMutablePointer<sem_t>
    /// How long the receiving thread polls before it sleeps, while recent waits were shorter.
    static let pollNanoseconds: UInt64 = 50_000
    static let briefPollNanoseconds: UInt64 = 2_000
    /// The recent waits (a moving average), receiving thread only.
    private var recentWaitNanoseconds: UInt64 = 0

    init() {
        wake = .allocate(capacity: 1)
        sem_init(wake, 0, 0)
    }

    deinit {
        sem_destroy(wake)
        wake.deallocate()
    }

    /// Expects `count` arrivals (receiving thread, before it starts the lanes).
    func expect(_ count: Int) { remaining.store(count, ordering: .releasing) }

    /// One lane is done (lane thread).
    func arrive() {
        let left = remaining.subtract(1, ordering: .sequentiallyConsistent).newValue
        if left == 0, sleeping.load(ordering: .sequentiallyConsistent) { sem_post(wake) }
    }

    /// Waits for every expected arrival.
    func wait() {
        let start = monotonicNanoseconds()
        defer {
            let waited = min(monotonicNanoseconds() &- start, 1_000_000)
            recentWaitNanoseconds = (recentWaitNanoseconds &* 3 &+ waited) / 4
        }
        let budget = recentWaitNanoseconds < Self.pollNanoseconds ? Self.pollNanoseconds : Self.briefPollNanoseconds
        if spinWait(nanoseconds: budget, until: { remaining.load(ordering: .acquiring) == 0 }) { return }
        // A post meant for an earlier wait may still be counted in the semaphore: whatever wakes
        // this thread, it sleeps again until the count really is 0.
        while remaining.load(ordering: .acquiring) > 0 {
            sleeping.store(true, ordering: .sequentiallyConsistent)
            if remaining.load(ordering: .sequentiallyConsistent) > 0 { sem_wait(wake) }
            sleeping.store(false, ordering: .relaxed)
        }
    }
}

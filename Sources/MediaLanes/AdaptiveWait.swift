#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import Synchronization

/// How one media thread waits for a condition another thread makes true: a lane for its next
/// fan-out, the receiving thread for the lanes' end (`LaneBarrier`).
///
/// It polls while its recent waits were short (a busy bridge: the next fan-out, or the lanes'
/// end, comes within microseconds), else only briefly, then sleeps on a semaphore. The other
/// thread posts it only when it sees the waiter asleep (`wakeIfAsleep`, after making the
/// condition true), so a busy bridge makes no wake-up system calls, and a light one does not
/// burn a core polling.
final class AdaptiveWait: @unchecked Sendable {
    private let sleeping = Atomic<Bool>(false)
    private let semaphore: UnsafeMutablePointer<sem_t>
    /// How long a wait polls while recent waits were shorter than that; else `briefPollNanoseconds`.
    static let pollNanoseconds: UInt64 = 50_000
    static let briefPollNanoseconds: UInt64 = 2_000
    /// The recent waits (a moving average, each counted at most 1 ms), waiting thread only.
    private var recentWaitNanoseconds: UInt64 = 0

    init() {
        semaphore = .allocate(capacity: 1)
        sem_init(semaphore, 0, 0)
    }

    deinit {
        sem_destroy(semaphore)
        semaphore.deallocate()
    }

    /// Whether the waiter sleeps on the semaphore (waking it costs a system call and its wake-up).
    var isAsleep: Bool { sleeping.load(ordering: .relaxed) }

    /// Returns once `condition` holds (waiting thread). The condition must read what the other
    /// thread writes before `wakeIfAsleep` with sequentially consistent loads: the waiter checks it
    /// again after saying it sleeps, and the other thread checks for a sleeper after writing it.
    func wait(until condition: () -> Bool) {
        let start = monotonicNanoseconds()
        defer {
            let waited = min(monotonicNanoseconds() &- start, 1_000_000)
            recentWaitNanoseconds = (recentWaitNanoseconds &* 3 &+ waited) / 4
        }
        let budget = recentWaitNanoseconds < Self.pollNanoseconds ? Self.pollNanoseconds : Self.briefPollNanoseconds
        if spinWait(nanoseconds: budget, until: condition) { return }
        // A post meant for an earlier sleep may still be counted in the semaphore: whatever wakes
        // the waiter, it sleeps again until the condition really holds.
        while !condition() {
            sleeping.store(true, ordering: .sequentiallyConsistent)
            if !condition() { sem_wait(semaphore) }
            sleeping.store(false, ordering: .relaxed)
        }
    }

    /// Wakes the waiter if it sleeps (other thread, after making the condition true).
    func wakeIfAsleep() {
        if sleeping.load(ordering: .sequentiallyConsistent) { sem_post(semaphore) }
    }

    /// Wakes the waiter whether or not it sleeps yet (stopping).
    func wake() { sem_post(semaphore) }
}

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
/// The wait polls a while, since a lane's share usually takes about as long as the receiving
/// thread's own, then sleeps on a semaphore that the last lane posts only when it sees the
/// receiving thread asleep: with more media threads than free cores, a spinning receiving thread
/// would keep the lanes it waits for off the CPU.
final class LaneBarrier: @unchecked Sendable {
    private let remaining = Atomic<Int>(0)
    private let sleeping = Atomic<Bool>(false)
    private let wake: UnsafeMutablePointer<sem_t>
    /// How long the receiving thread polls before it sleeps: about the longest share a lane has
    /// under load.
    static let pollNanoseconds: UInt64 = 200_000

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
        if spinWait(nanoseconds: Self.pollNanoseconds, until: { remaining.load(ordering: .acquiring) == 0 }) { return }
        // A post meant for an earlier wait may still be counted in the semaphore: whatever wakes
        // this thread, it sleeps again until the count really is 0.
        while remaining.load(ordering: .acquiring) > 0 {
            sleeping.store(true, ordering: .sequentiallyConsistent)
            if remaining.load(ordering: .sequentiallyConsistent) > 0 { sem_wait(wake) }
            sleeping.store(false, ordering: .relaxed)
        }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The monotonic clock in nanoseconds (vDSO: about 20 ns a read).
@inline(__always)
func monotonicNanoseconds() -> UInt64 {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    return UInt64(now.tv_sec) &* 1_000_000_000 &+ UInt64(now.tv_nsec)
}

/// Polls `condition` for up to `budget` nanoseconds; returns whether it became true.
///
/// A media thread about to sleep on a semaphore polls first: waking a sleeping thread costs a
/// system call on one side and tens of microseconds on the other (measured on this project's
/// virtual machines), longer than most gaps between fan-outs under load. Every 64 polls it reads
/// the clock and yields the CPU, so that a thread it waits for that shares its CPU (more media
/// threads than cores) can run.
@inline(__always)
func spinWait(nanoseconds budget: UInt64, until condition: () -> Bool) -> Bool {
    let start = monotonicNanoseconds()
    var polls = 0
    while !condition() {
        polls &+= 1
        guard polls & 63 == 0 else { continue }
        if monotonicNanoseconds() &- start >= budget { return false }
        sched_yield()
    }
    return true
}

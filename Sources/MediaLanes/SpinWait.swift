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
/// virtual machines), longer than most gaps between fan-outs under load.
@inline(__always)
func spinWait(nanoseconds budget: UInt64, until condition: () -> Bool) -> Bool {
    let start = monotonicNanoseconds()
    var polls = 0
    while !condition() {
        polls &+= 1
        // The clock is read every 64 polls: a poll is a few nanoseconds, a clock read ~20.
        guard polls & 63 == 0 else { continue }
        if monotonicNanoseconds() &- start >= budget { return false }
    }
    return true
}

import CMediaSocket
public import Primitives

/// The shell's only clock: `CLOCK_MONOTONIC`, read once per loop turn and handed to the engine.
public enum MonotonicClock {
    /// The current monotonic time.
    public static func now() -> Instant { Instant(nanoseconds: ms_monotonic_ns()) }
}

// abs-send-time is 24-bit 6.18 fixed-point seconds, so it wraps every 64 s; a delay estimator
// compares send times across many minutes and needs them on one continuous line. Packets arrive
// a few milliseconds apart and reordering moves them by far less than half the 64 s period, so
// the nearest candidate to the newest value seen is the right one, as with RTP timestamps.
public import Primitives

/// Extends successive abs-send-time values to a continuous `Instant` on the sender's clock.
///
/// The origin of the result is arbitrary (only differences between results mean anything); it
/// starts one wrap period in, so a packet reordered behind the very first one still gets an
/// earlier instant rather than one clamped at zero.
///
/// The anchor is the newest value extended so far, and only moves forward: a late packet is
/// placed behind it (earlier instant) without pulling the anchor back, so the packets after it
/// are still measured from the newest one. A gap of more than half a period (32 s) cannot be
/// told from a step backwards; callers that may see such a pause start a fresh unwrapper.
public struct AbsoluteSendTimeUnwrapper: Sendable {
    /// Ticks per second: the 18 fraction bits of the 6.18 format.
    static let ticksPerSecond: Int64 = 1 << 18
    /// Ticks in one wrap of the 24-bit value (64 s).
    static let period: Int64 = 1 << 24

    private var newest: Int64 = 0
    private var started = false

    /// An unwrapper that has seen nothing yet.
    public init() {}

    /// The sender-clock instant of a packet stamped `value` (only its low 24 bits are used).
    @inline(__always)
    public mutating func unwrap(_ value: UInt32) -> Instant {
        let ticks = Int64(value & 0xFF_FFFF)
        guard started else {
            started = true
            newest = ticks + Self.period
            return Self.instant(ticks: newest)
        }
        // The step from the newest value, folded into [-period/2, period/2): the nearest candidate.
        var step = (ticks - newest) & (Self.period - 1)
        if step >= Self.period / 2 { step -= Self.period }
        let unwrapped = newest + step
        if unwrapped > newest { newest = unwrapped }
        return Self.instant(ticks: unwrapped)
    }

    /// Whole seconds and the fraction are converted apart: ticks × 10^9 would overflow Int64
    /// after about ten hours of sender clock.
    @inline(__always)
    static func instant(ticks: Int64) -> Instant {
        let clamped = UInt64(max(ticks, 0))
        let seconds = clamped >> 18
        let fraction = clamped & UInt64(ticksPerSecond - 1)
        return Instant(nanoseconds: seconds * 1_000_000_000 + (fraction * 1_000_000_000) >> 18)
    }
}

// RFC 3550 §4: 64-bit NTP timestamps (seconds since 1900 in the high word, binary fraction in
// the low word) as carried in sender reports, and the "middle 32 bits" that LSR echoes.

/// A 64-bit NTP timestamp.
public struct NTPTimestamp: Sendable, Hashable, Comparable {
    /// Seconds since 1900-01-01 in the high 32 bits, fraction of a second in the low 32 bits.
    public var value: UInt64

    /// Seconds between the NTP epoch (1900) and the Unix epoch (1970).
    public static let unixEpochOffsetSeconds: UInt64 = 2_208_988_800

    /// Creates a timestamp from its 64-bit wire value.
    @inlinable public init(_ value: UInt64) { self.value = value }

    /// Creates a timestamp from its two wire words.
    @inlinable public init(seconds: UInt32, fraction: UInt32) {
        value = UInt64(seconds) << 32 | UInt64(fraction)
    }

    /// Converts wall-clock nanoseconds since the Unix epoch (what `CLOCK_REALTIME` gives) to NTP.
    /// The shell reads the wall clock; protocol code only converts.
    @inlinable public init(unixNanoseconds: UInt64) {
        let seconds = unixNanoseconds / 1_000_000_000 &+ Self.unixEpochOffsetSeconds
        let nanos = unixNanoseconds % 1_000_000_000
        // nanos < 2^30, so nanos << 32 < 2^62: no overflow.
        let fraction = (nanos << 32) / 1_000_000_000
        value = (seconds << 32) | fraction
    }

    /// The integer seconds word.
    @inlinable public var seconds: UInt32 { UInt32(truncatingIfNeeded: value >> 32) }
    /// The fraction word, in units of 2^-32 s.
    @inlinable public var fraction: UInt32 { UInt32(truncatingIfNeeded: value) }
    /// The middle 32 bits (16.16 fixed point seconds): the LSR field of a report block.
    @inlinable public var middle32: UInt32 { UInt32(truncatingIfNeeded: value >> 16) }

    /// Nanoseconds since the Unix epoch (rounded down), the inverse of `init(unixNanoseconds:)`.
    @inlinable public var unixNanoseconds: UInt64 {
        let seconds = UInt64(self.seconds) &- Self.unixEpochOffsetSeconds
        let nanos = (UInt64(fraction) &* 1_000_000_000) >> 32
        return seconds &* 1_000_000_000 &+ nanos
    }

    @inlinable public static func < (lhs: Self, rhs: Self) -> Bool { lhs.value < rhs.value }
}

/// A point on the monotonic clock, in nanoseconds since an arbitrary origin.
///
/// Protocol cores never read a clock: the shell reads `CLOCK_MONOTONIC` once per receive batch
/// and passes the value in, which is what makes every state machine testable on a simulated clock.
public struct Instant: Comparable, Hashable, Sendable, CustomStringConvertible {
    /// Nanoseconds since the clock's origin.
    public var nanoseconds: UInt64

    /// Creates an instant from nanoseconds since the clock's origin.
    @inlinable public init(nanoseconds: UInt64) { self.nanoseconds = nanoseconds }

    /// The clock's origin; handy for simulations.
    public static let zero = Instant(nanoseconds: 0)

    @inlinable public static func < (lhs: Instant, rhs: Instant) -> Bool { lhs.nanoseconds < rhs.nanoseconds }

    /// This instant moved forward by `milliseconds`.
    @inlinable public func adding(milliseconds: Int64) -> Instant {
        Instant(nanoseconds: UInt64(max(0, Int64(truncatingIfNeeded: nanoseconds) &+ milliseconds &* 1_000_000)))
    }

    /// This instant moved forward by `nanoseconds`.
    @inlinable public func adding(nanoseconds delta: UInt64) -> Instant {
        Instant(nanoseconds: nanoseconds &+ delta)
    }

    /// Whole milliseconds from `earlier` to this instant; negative if `earlier` is later.
    @inlinable public func milliseconds(since earlier: Instant) -> Int64 {
        (Int64(truncatingIfNeeded: nanoseconds) &- Int64(truncatingIfNeeded: earlier.nanoseconds)) / 1_000_000
    }

    /// Nanoseconds from `earlier` to this instant, or 0 if `earlier` is later.
    @inlinable public func nanoseconds(since earlier: Instant) -> UInt64 {
        nanoseconds > earlier.nanoseconds ? nanoseconds - earlier.nanoseconds : 0
    }

    public var description: String { "\(nanoseconds / 1_000_000)ms" }
}

extension Optional where Wrapped == Instant {
    /// The earlier of two optional deadlines, treating `nil` as "never".
    @inlinable public func earliest(_ other: Instant?) -> Instant? {
        switch (self, other) {
        case (nil, let b): return b
        case (let a, nil): return a
        case (let a?, let b?): return Swift.min(a, b)
        }
    }
}

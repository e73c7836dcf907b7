// RFC 3550 §A.1: 16-bit sequence numbers wrap every 65536 packets; statistics, NACK lists and
// caches need a monotonic 64-bit value. Each new number is placed at the distance from the highest
// seen so far that is shortest modulo 2^16, so wraps and reordering both land right.

/// Extends 16-bit RTP sequence numbers to 64 bits.
public struct SequenceNumberUnwrapper: Sendable, Equatable {
    @usableFromInline var last: Int64 = 0
    @usableFromInline var started = false

    /// A fresh unwrapper; the first number it sees maps to itself (0 ... 65535).
    @inlinable public init() {}

    /// The highest extended number returned so far, or nil before the first.
    @inlinable public var highest: Int64? { started ? last : nil }

    /// The extended value of `sequenceNumber`. Numbers behind the highest (reordered or
    /// retransmitted packets) get smaller values, possibly negative before the first packet,
    /// and do not move the highest back. A step of exactly 32768 counts as backwards.
    @inlinable
    public mutating func unwrap(_ sequenceNumber: UInt16) -> Int64 {
        guard started else {
            started = true
            last = Int64(sequenceNumber)
            return last
        }
        let step = Int64(Int16(bitPattern: sequenceNumber &- UInt16(truncatingIfNeeded: last)))
        let value = last &+ step
        if step > 0 { last = value }
        return value
    }
}

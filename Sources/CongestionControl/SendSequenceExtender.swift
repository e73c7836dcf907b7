// The bridge numbers its packets itself, one after another, so the newest number it sent is the
// anchor for both directions: new numbers step forward from it, and numbers in feedback lie
// behind it (never more than half the 16-bit space for any feedback that is still useful).

/// Extends the bridge's own 16-bit transport-wide sequence numbers to 64 bits, for sending and
/// for looking up the numbers that feedback reports.
@usableFromInline
struct SendSequenceExtender: Sendable {
    @usableFromInline var newest: Int64 = 0
    @usableFromInline var started = false

    @inlinable init() {}

    /// The extended value of a number being sent now; it becomes the newest.
    @inlinable
    mutating func extend(_ sequenceNumber: UInt16) -> Int64 {
        guard started else {
            started = true
            newest = Int64(sequenceNumber)
            return newest
        }
        let value = newest &+ step(to: sequenceNumber)
        if value > newest { newest = value }
        return value
    }

    /// The extended value of a number that feedback reports, or nil before anything was sent.
    @inlinable
    func lookUp(_ sequenceNumber: UInt16) -> Int64? {
        started ? newest &+ step(to: sequenceNumber) : nil
    }

    @inlinable
    func step(to sequenceNumber: UInt16) -> Int64 {
        Int64(Int16(bitPattern: sequenceNumber &- UInt16(truncatingIfNeeded: newest)))
    }
}

import Primitives

/// Maps the sequence numbers and timestamps of the stream a receiver is being forwarded onto one
/// outgoing stream that stays continuous when the incoming stream changes (a simulcast switch, a
/// slot reused for another source) and when the bridge drops packets on purpose.
///
/// Sequence numbers stay gapless over intentional drops (a dropped packet that is next in order
/// shifts the mapping back by one) while losses before the bridge keep their gap, so the receiver
/// still NACKs them. At a switch the new stream's timestamps continue from the last one sent,
/// advanced by the wall-clock time in between, so the receiver's jitter buffer sees no jump.
struct RTPStreamProjection: Sendable {
    private(set) var started = false
    private var sequenceDelta: UInt16 = 0
    private var timestampDelta: UInt32 = 0
    /// The newest incoming sequence number of the current stream, forwarded or dropped.
    private var newestIncoming: UInt16 = 0
    /// Where the current stream began: numbers before it map onto what the previous one sent.
    private var firstIncoming: UInt16 = 0
    private(set) var lastOutgoingSequence: UInt16 = 0
    private(set) var lastOutgoingTimestamp: UInt32 = 0
    private var lastForwardedAt = Instant.zero

    /// Starts mapping a new incoming stream whose next packet carries `sequence` and `timestamp`.
    /// The first stream ever keeps its own numbers.
    mutating func begin(sequence: UInt16, timestamp: UInt32, now: Instant, clockRate: UInt32) {
        if started {
            let elapsed = now.nanoseconds >= lastForwardedAt.nanoseconds ? now.nanoseconds - lastForwardedAt.nanoseconds : 0
            let ticks = UInt32(truncatingIfNeeded: max(elapsed / 1_000_000 * UInt64(clockRate) / 1000, 1))
            sequenceDelta = (lastOutgoingSequence &+ 1) &- sequence
            timestampDelta = (lastOutgoingTimestamp &+ ticks) &- timestamp
        } else {
            sequenceDelta = 0
            timestampDelta = 0
            lastOutgoingSequence = sequence &- 1
            lastOutgoingTimestamp = timestamp
        }
        started = true
        newestIncoming = sequence &- 1
        firstIncoming = sequence
    }

    /// Whether `sequence` comes before the current stream began: a copy of such a packet sent
    /// again would land on an outgoing number the previous stream used.
    func precedesStart(_ sequence: UInt16) -> Bool { started && Self.isNewer(firstIncoming, than: sequence) }

    /// The outgoing numbers of a forwarded packet.
    @inline(__always)
    mutating func forward(sequence: UInt16, timestamp: UInt32, now: Instant) -> (sequence: UInt16, timestamp: UInt32) {
        if Self.isNewer(sequence, than: newestIncoming) { newestIncoming = sequence }
        let outgoing = (sequence &+ sequenceDelta, timestamp &+ timestampDelta)
        if Self.isNewer(outgoing.0, than: lastOutgoingSequence) {
            lastOutgoingSequence = outgoing.0
            lastOutgoingTimestamp = outgoing.1
        }
        lastForwardedAt = now
        return outgoing
    }

    /// A packet of the current stream dropped on purpose: if it is the next in order, later
    /// packets move down by one so the receiver sees no gap. (Reordered ones cannot be hidden.)
    @inline(__always)
    mutating func drop(sequence: UInt16) {
        guard Self.isNewer(sequence, than: newestIncoming) else { return }
        newestIncoming = sequence
        sequenceDelta &-= 1
    }

    /// The outgoing timestamp an incoming one maps to now (sender reports).
    func outgoingTimestamp(_ timestamp: UInt32) -> UInt32 { timestamp &+ timestampDelta }

    @inline(__always)
    static func isNewer(_ a: UInt16, than b: UInt16) -> Bool { a != b && (a &- b) < 0x8000 }
}

// RFC 4585 §3.2 and §6.2.1: a receiver asks the sender to resend lost packets with generic NACKs.
// The bridge is that receiver for every sender's uplink (colibri2.md §5.3, issue 12): it finds
// the gaps in each inbound stream, asks for the missing numbers after a short reordering wait,
// repeats roughly once per round trip, and gives up after a number of tries, an age, or a key
// frame that makes the loss irrelevant. Per-number state lives in a fixed ring indexed by the
// extended sequence number modulo its size, so steady-state packets allocate nothing.

public import Primitives

/// Tracks the missing sequence numbers of one incoming RTP stream and says which to NACK when.
///
/// Sans-IO: feed it every received sequence number (original packets and RTX packets restored
/// to the original numbering, padding included) with `handle(sequenceNumber:now:)`, and at
/// `nextDeadline` (or on any tick) call `poll(now:roundTripNanoseconds:into:)` for the numbers
/// to put in a generic NACK (`RTCPGenericNACK.write`). A value type backed by one array: keep
/// one copy in the stream's state so mutation stays in place.
public struct RetransmissionRequester: Sendable {
    /// What a received sequence number did to the requester's state.
    public enum Outcome: Sendable, Equatable {
        /// The first packet: tracking starts here.
        case started
        /// The next number after the newest.
        case inOrder
        /// Ahead of the newest by more than one: this many numbers became missing.
        case gap(Int)
        /// A number that was missing arrived (reordered, or a retransmission).
        case recovered
        /// A number already received, or one behind the newest that was never missing.
        case duplicate
        /// Older than the history; ignored.
        case tooOld
        /// A jump too large to repair (a sender restart): tracking restarted at this number.
        /// The caller may want a key frame instead.
        case resynced
    }

    /// One ring slot: the state of one sequence number of the history.
    struct Entry: Sendable {
        var detectedAt: UInt64 = 0
        var lastRequestedAt: UInt64 = 0
        /// `arrivals` just after the packet that revealed the gap, for the packet-count wait.
        var arrivalsAtDetection: UInt32 = 0
        var sequenceNumber: UInt16 = 0
        var requests: UInt8 = 0
        var isMissing = false
    }

    /// The limits this requester was made with.
    public let configuration: Configuration
    var entries: [Entry]
    let mask: Int64
    /// The highest extended sequence number received, nil before the first packet.
    var newest: Int64?
    /// No missing number is older than this (a scan start, not necessarily missing itself).
    var oldestCandidate: Int64 = 0
    /// Packets that advanced `newest`, modulo 2^32.
    var arrivals: UInt32 = 0
    var staleRun = 0

    /// Missing numbers currently tracked.
    public private(set) var missingCount = 0
    /// When `poll` next has something to request, or nil if nothing is missing. A gap found by
    /// packet count can be due earlier; polling after each receive batch catches that.
    public private(set) var nextDeadline: Instant?
    /// Sequence numbers put into NACKs so far (each retry counts).
    public private(set) var requestsSent: UInt64 = 0
    /// Missing numbers that later arrived.
    public private(set) var recoveredCount: UInt64 = 0
    /// Missing numbers given up: out of tries, too old, behind a key frame, or cleared by a resync.
    public private(set) var abandonedCount: UInt64 = 0
    /// Forward jumps or stale runs that restarted tracking.
    public private(set) var resyncCount: UInt64 = 0

    /// Creates a requester; its whole ring is allocated here.
    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
        let capacity = configuration.ringCapacity
        entries = [Entry](repeating: Entry(), count: capacity)
        mask = Int64(capacity &- 1)
    }

    /// Number of sequence numbers the ring remembers behind the newest.
    public var capacity: Int { entries.count }

    /// The newest sequence number received, nil before the first.
    public var newestSequenceNumber: UInt16? { newest.map { UInt16(truncatingIfNeeded: $0) } }

    @inline(__always) func slot(_ position: Int64) -> Int { Int(position & mask) }

    /// The extended position of `sequenceNumber` relative to `newest` (nearest modulo 2^16).
    @inline(__always) static func position(of sequenceNumber: UInt16, relativeTo newest: Int64) -> Int64 {
        newest &+ Int64(Int16(bitPattern: sequenceNumber &- UInt16(truncatingIfNeeded: newest)))
    }

    /// Whether `sequenceNumber` is currently tracked as missing.
    public func isMissing(_ sequenceNumber: UInt16) -> Bool {
        guard let newest else { return false }
        let position = Self.position(of: sequenceNumber, relativeTo: newest)
        guard position < newest, newest &- position < Int64(capacity) else { return false }
        let entry = entries[slot(position)]
        return entry.isMissing && entry.sequenceNumber == sequenceNumber
    }

    /// Records a received packet's sequence number at `now`.
    @discardableResult
    public mutating func handle(sequenceNumber: UInt16, now: Instant) -> Outcome {
        guard let newest else {
            restart(at: sequenceNumber)
            return .started
        }
        let position = Self.position(of: sequenceNumber, relativeTo: newest)
        if position > newest {
            staleRun = 0
            let step = position &- newest
            // Every newly missing number must fit the history alongside the new newest.
            guard step <= Int64(Swift.min(configuration.maxGap &+ 1, capacity)) else {
                resync(at: sequenceNumber)
                return .resynced
            }
            advance(to: position, now: now)
            return step == 1 ? .inOrder : .gap(Int(step &- 1))
        }
        if position == newest { return .duplicate }
        guard newest &- position < Int64(capacity) else {
            staleRun &+= 1
            guard staleRun >= configuration.staleResyncPackets else { return .tooOld }
            resync(at: sequenceNumber)
            return .resynced
        }
        staleRun = 0
        let index = slot(position)
        guard entries[index].isMissing, entries[index].sequenceNumber == sequenceNumber else { return .duplicate }
        entries[index].isMissing = false
        missingCount &-= 1
        recoveredCount &+= 1
        if missingCount == 0 { nextDeadline = nil }
        return .recovered
    }

    /// Moves the newest to `target`, marking the numbers in between missing and overwriting the
    /// slots of numbers that fall out of the history.
    mutating func advance(to target: Int64, now: Instant) {
        guard let newest else { return }
        if missingCount == 0 { oldestCandidate = newest &+ 1 }
        arrivals &+= 1
        var position = newest &+ 1
        while position <= target {
            let index = slot(position)
            if entries[index].isMissing {
                missingCount &-= 1
                abandonedCount &+= 1
            }
            var entry = Entry()
            entry.sequenceNumber = UInt16(truncatingIfNeeded: position)
            if position < target {
                entry.isMissing = true
                entry.detectedAt = now.nanoseconds
                entry.arrivalsAtDetection = arrivals
                missingCount &+= 1
            }
            entries[index] = entry
            position &+= 1
        }
        self.newest = target
        if target &- newest > 1 {
            nextDeadline = nextDeadline.earliest(now.adding(nanoseconds: configuration.reorderingDelayNanoseconds))
        }
    }

    /// Writes the numbers due for a request at `now` into `output`, oldest first (ascending in
    /// wrap-aware order, as `RTCPGenericNACK.write` wants), and returns how many. Each written
    /// number counts as requested; one that reaches `maxRequests` is given up after this
    /// request. Numbers that do not fit stay due for the next call. `roundTripNanoseconds` is
    /// the current estimate to the sender, nil if unknown.
    public mutating func poll(
        now: Instant, roundTripNanoseconds: UInt64?, into output: UnsafeMutableBufferPointer<UInt16>
    ) -> Int {
        guard missingCount > 0, let newest else {
            nextDeadline = nil
            return 0
        }
        let retryInterval = Swift.max(
            roundTripNanoseconds ?? configuration.defaultRoundTripNanoseconds, configuration.minimumRetryIntervalNanoseconds)
        var written = 0
        var nextDue: UInt64?
        var firstMissing: Int64?
        var position = Swift.max(oldestCandidate, newest &- Int64(capacity) &+ 1)
        while position < newest {
            let index = slot(position)
            defer { position &+= 1 }
            guard entries[index].isMissing else { continue }
            var entry = entries[index]
            if now.nanoseconds &- Swift.min(entry.detectedAt, now.nanoseconds) > configuration.maxAgeNanoseconds {
                giveUp(index)
                continue
            }
            var due = dueTime(of: entry, retryInterval: retryInterval)
            if due <= now.nanoseconds, written < output.count {
                output[written] = entry.sequenceNumber
                written &+= 1
                requestsSent &+= 1
                entry.requests &+= 1
                entry.lastRequestedAt = now.nanoseconds
                entries[index] = entry
                if Int(entry.requests) >= configuration.maxRequests {
                    giveUp(index)
                    continue
                }
                due = now.nanoseconds &+ retryInterval
            }
            if firstMissing == nil { firstMissing = position }
            // Due but left out (the output was full): due again at once.
            due = Swift.max(due, now.nanoseconds)
            nextDue = Swift.min(nextDue ?? due, due)
        }
        oldestCandidate = firstMissing ?? newest &+ 1
        nextDeadline = nextDue.map { Instant(nanoseconds: $0) }
        return written
    }

    /// When `entry` may next be requested: after the reordering wait (time or packet count)
    /// for the first request, one retry interval after the last one for the others.
    @inline(__always)
    func dueTime(of entry: Entry, retryInterval: UInt64) -> UInt64 {
        guard entry.requests == 0 else { return entry.lastRequestedAt &+ retryInterval }
        if Int(arrivals &- entry.arrivalsAtDetection) >= configuration.reorderingPackets &- 1 { return 0 }
        return entry.detectedAt &+ configuration.reorderingDelayNanoseconds
    }

    mutating func giveUp(_ index: Int) {
        entries[index].isMissing = false
        missingCount &-= 1
        abandonedCount &+= 1
    }

    /// Gives up every missing number before `sequenceNumber`: call it when a key frame starting
    /// at `sequenceNumber` arrives, since nothing older is needed to decode what follows. A
    /// number after the newest gives up everything.
    public mutating func discardMissing(before sequenceNumber: UInt16) {
        guard missingCount > 0, let newest else { return }
        let cut = Swift.min(Self.position(of: sequenceNumber, relativeTo: newest), newest &+ 1)
        var position = Swift.max(oldestCandidate, newest &- Int64(capacity) &+ 1)
        while position < cut {
            let index = slot(position)
            if entries[index].isMissing { giveUp(index) }
            position &+= 1
        }
        oldestCandidate = Swift.max(oldestCandidate, cut)
        if missingCount == 0 { nextDeadline = nil }
    }

    /// Forgets everything, keeping the memory (for example when the stream's SSRC changes).
    public mutating func reset() {
        clearMissing(countingAsAbandoned: false)
        newest = nil
        staleRun = 0
    }

    /// Drops all state and restarts at `sequenceNumber` after a jump nothing can repair.
    mutating func resync(at sequenceNumber: UInt16) {
        clearMissing(countingAsAbandoned: true)
        resyncCount &+= 1
        restart(at: sequenceNumber)
    }

    mutating func restart(at sequenceNumber: UInt16) {
        newest = Int64(sequenceNumber)
        oldestCandidate = Int64(sequenceNumber) &+ 1
        staleRun = 0
        var entry = Entry()
        entry.sequenceNumber = sequenceNumber
        entries[slot(Int64(sequenceNumber))] = entry
    }

    mutating func clearMissing(countingAsAbandoned: Bool) {
        if missingCount > 0 {
            for index in entries.indices { entries[index].isMissing = false }
            if countingAsAbandoned { abandonedCount &+= UInt64(missingCount) }
        }
        missingCount = 0
        nextDeadline = nil
    }
}

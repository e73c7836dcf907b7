// Transport-cc feedback names packets only by a 16-bit sequence number and an arrival time; the
// send time and size that the estimators need exist only on the bridge, so it has to remember
// them from the moment of sending until the feedback arrives (normally one feedback interval plus
// a round trip, well under a second).
public import Primitives

/// Remembers, per receiver, the send time and size of each packet the bridge sent with its own
/// transport-wide sequence number, and joins feedback reports with them into `PacketResult`s.
///
/// Storage is a ring indexed by the extended sequence number. It may start small and double (up
/// to `maximumCapacity`) whenever a packet would evict one that feedback has not named yet: what
/// a link needs is its rate times the feedback delay (a few dozen packets at common rates), not
/// the worst case; a receiver that never reports grows it to its maximum. Only that growth
/// allocates; recording a packet or resolving a report does not. An entry is forgotten when the
/// ring wraps onto it or when it is older than `maximumAge` relative to the newest packet sent:
/// feedback that late describes a network state that no longer exists, and a stale match after
/// 65536 packets would pair a report with the wrong packet.
public struct SentPacketHistory: Sendable {
    /// What has been learned about one slot's packet, so a packet is counted at most once as
    /// received and at most once as lost even if feedback messages overlap.
    /// `empty`: the slot never held a packet.
    @usableFromInline enum ReportState: UInt16, Sendable { case empty, unreported, reportedLost, reportedReceived }

    /// One packet in 16 bytes, as every receiver link holds thousands (4,096 × 24 bytes was 96 KB
    /// a receiver): the low 32 bits of the extended number (the ring index and the age limit
    /// already rule out a packet 2^32 numbers away), and the size (14 bits: a datagram the bridge
    /// sends is far below 16 KB) sharing 16 bits with the report state.
    @usableFromInline struct Entry: Sendable {
        @usableFromInline var sendTime: Instant = .zero
        @usableFromInline var sequenceNumber: UInt32 = 0
        @usableFromInline var sizeAndState: UInt16 = 0
        @usableFromInline var probeCluster: Int16 = -1

        @usableFromInline static let sizeMask: UInt16 = 0x3FFF

        init() {}

        @inlinable
        init(sequenceNumber: Int64, sendTime: Instant, size: Int, probeCluster: Int) {
            self.sendTime = sendTime
            self.sequenceNumber = UInt32(truncatingIfNeeded: sequenceNumber)
            sizeAndState = UInt16(clamping: min(size, Int(Self.sizeMask))) | ReportState.unreported.rawValue << 14
            self.probeCluster = Int16(clamping: probeCluster)
        }

        @inlinable var size: Int { Int(sizeAndState & Self.sizeMask) }

        @inlinable var state: ReportState {
            get { ReportState(rawValue: sizeAndState >> 14) ?? .empty }
            set { sizeAndState = sizeAndState & Self.sizeMask | newValue.rawValue << 14 }
        }

        @inlinable func holds(_ extended: Int64) -> Bool {
            state != .empty && sequenceNumber == UInt32(truncatingIfNeeded: extended)
        }
    }

    @usableFromInline var entries: [Entry]
    @usableFromInline var mask: Int
    /// The most packets the ring grows to hold.
    public let maximumCapacity: Int
    @usableFromInline var unwrapper = SendSequenceExtender()
    @usableFromInline var newestSendTime: Instant = .zero
    /// The first number recorded: before the ring has gone round once nothing is evicted.
    @usableFromInline var firstRecorded: Int64?
    /// The highest number feedback has named, received or lost; everything above it waits.
    @usableFromInline var reportedThrough: Int64 = .min
    /// Entries sent longer than this before the newest packet no longer match feedback.
    public let maximumAgeNanoseconds: UInt64

    /// A history holding up to `capacity` packets (rounded up to a power of two; 8192 covers four
    /// seconds at 20 Mbit/s of 1200-byte packets), from `initialCapacity` (the whole `capacity`
    /// when nil), that forgets packets `maximumAgeMilliseconds` older than the newest.
    public init(capacity: Int = 8192, initialCapacity: Int? = nil, maximumAgeMilliseconds: Int64 = 5_000) {
        maximumCapacity = Self.powerOfTwo(atLeast: capacity)
        let size = min(Self.powerOfTwo(atLeast: initialCapacity ?? capacity), maximumCapacity)
        entries = Array(repeating: Entry(), count: size)
        mask = size - 1
        maximumAgeNanoseconds = UInt64(max(0, maximumAgeMilliseconds)) * 1_000_000
    }

    private static func powerOfTwo(atLeast count: Int) -> Int {
        var size = 2
        while size < count { size <<= 1 }
        return size
    }

    /// The number of packets the ring can hold.
    public var capacity: Int { entries.count }

    /// Bytes one remembered packet takes in the ring.
    public static var entryStride: Int { MemoryLayout<Entry>.stride }

    /// Records a packet the bridge is sending (in probe cluster `probeCluster`, -1 for none) and
    /// returns its extended sequence number.
    @inlinable @discardableResult
    public mutating func recordSent(sequenceNumber: UInt16, size: Int, at time: Instant, probeCluster: Int = -1) -> Int64 {
        let extended = unwrapper.extend(sequenceNumber)
        if time > newestSendTime { newestSendTime = time }
        // The packet a lap back, which this one evicts, still waits for feedback: the ring is
        // smaller than feedback is late. Told from the numbers alone; reading the evicted slot
        // put a likely cache miss before every store, per receiver and packet.
        if entries.count < maximumCapacity, let firstRecorded, extended &- Int64(entries.count) >= firstRecorded,
           extended &- Int64(entries.count) > reportedThrough
        {
            grow()
        }
        if firstRecorded == nil { firstRecorded = extended }
        entries[Int(truncatingIfNeeded: extended) & mask] = Entry(
            sequenceNumber: extended, sendTime: time, size: size, probeCluster: probeCluster)
        return extended
    }

    /// Doubles the ring. Each entry moves to the slot its number takes in the larger ring (the
    /// low 32 bits it keeps decide that), so none is lost.
    @usableFromInline mutating func grow() {
        let old = entries
        entries = Array(repeating: Entry(), count: min(old.count * 2, maximumCapacity))
        mask = entries.count - 1
        for entry in old where entry.state != .empty { entries[Int(entry.sequenceNumber) & mask] = entry }
    }

    /// The result for one feedback entry, or nil when the packet is unknown, expired, or already
    /// reported in the same way (or as received) by an earlier feedback message.
    @inlinable
    public mutating func resolve(_ report: PacketReport) -> PacketResult? {
        guard let extended = unwrapper.lookUp(report.sequenceNumber) else { return nil }
        let slot = Int(truncatingIfNeeded: extended) & mask
        let entry = entries[slot]
        guard entry.holds(extended),
            newestSendTime.nanoseconds(since: entry.sendTime) <= maximumAgeNanoseconds
        else { return nil }
        if extended > reportedThrough { reportedThrough = extended }
        let newState: ReportState = report.arrival == nil ? .reportedLost : .reportedReceived
        // A late "received" may correct an earlier "lost" (the receiver reports what it has so far).
        guard entry.state == .unreported || (entry.state == .reportedLost && newState == .reportedReceived)
        else { return nil }
        entries[slot].state = newState
        return PacketResult(
            sequenceNumber: extended, sendTime: entry.sendTime, size: entry.size, arrival: report.arrival,
            probeCluster: Int(entry.probeCluster))
    }

    /// Resolves every entry of one feedback message, appending the results to `results` (which
    /// the caller keeps and clears between messages, so its storage is reused).
    @inlinable
    public mutating func resolve(_ reports: some Sequence<PacketReport>, into results: inout [PacketResult]) {
        for report in reports {
            if let result = resolve(report) { results.append(result) }
        }
    }
}

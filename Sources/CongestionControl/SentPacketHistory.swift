// Transport-cc feedback names packets only by a 16-bit sequence number and an arrival time; the
// send time and size that the estimators need exist only on the bridge, so it has to remember
// them from the moment of sending until the feedback arrives (normally one feedback interval plus
// a round trip, well under a second).
public import Primitives

/// Remembers, per receiver, the send time and size of each packet the bridge sent with its own
/// transport-wide sequence number, and joins feedback reports with them into `PacketResult`s.
///
/// Storage is a fixed ring indexed by the extended sequence number, allocated once, so recording a
/// packet or resolving a report allocates nothing. An entry is forgotten when the ring wraps onto
/// it or when it is older than `maximumAge` relative to the newest packet sent: feedback that late
/// describes a network state that no longer exists, and a stale match after 65536 packets would
/// pair a report with the wrong packet.
public struct SentPacketHistory: Sendable {
    /// What has been learned about one slot's packet, so a packet is counted at most once as
    /// received and at most once as lost even if feedback messages overlap.
    @usableFromInline enum ReportState: UInt8, Sendable { case unreported, reportedLost, reportedReceived }

    @usableFromInline struct Entry: Sendable {
        @usableFromInline var sequenceNumber: Int64 = .min
        @usableFromInline var sendTime: Instant = .zero
        @usableFromInline var size: Int32 = 0
        @usableFromInline var state: ReportState = .unreported
        @usableFromInline var probeCluster: Int16 = -1

        init() {}

        @inlinable
        init(sequenceNumber: Int64, sendTime: Instant, size: Int32, state: ReportState, probeCluster: Int16) {
            self.sequenceNumber = sequenceNumber
            self.sendTime = sendTime
            self.size = size
            self.state = state
            self.probeCluster = probeCluster
        }
    }

    @usableFromInline var entries: [Entry]
    @usableFromInline let mask: Int
    @usableFromInline var unwrapper = SendSequenceExtender()
    @usableFromInline var newestSendTime: Instant = .zero
    /// Entries sent longer than this before the newest packet no longer match feedback.
    public let maximumAgeNanoseconds: UInt64

    /// A history holding up to `capacity` packets (rounded up to a power of two; 8192 covers four
    /// seconds at 20 Mbit/s of 1200-byte packets) that forgets packets `maximumAgeMilliseconds`
    /// older than the newest.
    public init(capacity: Int = 8192, maximumAgeMilliseconds: Int64 = 5_000) {
        var size = 1
        while size < max(capacity, 2) { size <<= 1 }
        entries = Array(repeating: Entry(), count: size)
        mask = size - 1
        maximumAgeNanoseconds = UInt64(max(0, maximumAgeMilliseconds)) * 1_000_000
    }

    /// The number of packets the ring can hold.
    public var capacity: Int { entries.count }

    /// Records a packet the bridge is sending (in probe cluster `probeCluster`, -1 for none) and
    /// returns its extended sequence number.
    @inlinable @discardableResult
    public mutating func recordSent(sequenceNumber: UInt16, size: Int, at time: Instant, probeCluster: Int = -1) -> Int64 {
        let extended = unwrapper.extend(sequenceNumber)
        if time > newestSendTime { newestSendTime = time }
        entries[Int(truncatingIfNeeded: extended) & mask] = Entry(
            sequenceNumber: extended, sendTime: time, size: Int32(clamping: size), state: .unreported,
            probeCluster: Int16(clamping: probeCluster))
        return extended
    }

    /// The result for one feedback entry, or nil when the packet is unknown, expired, or already
    /// reported in the same way (or as received) by an earlier feedback message.
    @inlinable
    public mutating func resolve(_ report: PacketReport) -> PacketResult? {
        guard let extended = unwrapper.lookUp(report.sequenceNumber) else { return nil }
        let slot = Int(truncatingIfNeeded: extended) & mask
        let entry = entries[slot]
        guard entry.sequenceNumber == extended,
            newestSendTime.nanoseconds(since: entry.sendTime) <= maximumAgeNanoseconds
        else { return nil }
        let newState: ReportState = report.arrival == nil ? .reportedLost : .reportedReceived
        // A late "received" may correct an earlier "lost" (the receiver reports what it has so far).
        guard entry.state == .unreported || (entry.state == .reportedLost && newState == .reportedReceived)
        else { return nil }
        entries[slot].state = newState
        return PacketResult(
            sequenceNumber: extended, sendTime: entry.sendTime, size: Int(entry.size), arrival: report.arrival,
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

// draft-ietf-rmcat-gcc-02 §5.2: single packets carry too much jitter (pacing, NIC batching,
// scheduling) to show queue growth, so packets sent within a short burst are treated as one
// group and only group-to-group timing is compared.
public import Primitives

/// Splits the received packets of the feedback stream into send-time groups and reports the
/// timing difference between each completed group and the one before it.
///
/// A group is every packet sent within `burstMilliseconds` of the group's first packet. A packet
/// sent later still joins the group when it arrived almost at once after the previous one while
/// the path delay went down: that is a queue draining in a burst, and counting it as a new group
/// would read the drain as a sudden huge rate.
public struct SendTimeGrouper: Sendable {
    private struct Group: Sendable {
        var firstSend: Instant
        var lastSend: Instant
        var firstArrival: Instant
        var lastArrival: Instant
    }

    private var current: Group?
    private var previous: Group?
    /// The span of send times that one group may cover.
    public let burstNanoseconds: UInt64
    /// A burst of arrivals longer than this is not folded into one group, however tight its spacing.
    private let maximumBurstNanoseconds: UInt64 = 100_000_000

    /// A grouper with the draft's 5 ms send-time window.
    public init(burstMilliseconds: Int = 5) {
        burstNanoseconds = UInt64(max(0, burstMilliseconds)) * 1_000_000
    }

    /// Adds one received packet (feed them in arrival order); returns a delta when the packet
    /// closes a group and there was a group before it to compare with.
    public mutating func add(sendTime: Instant, arrival: Instant) -> GroupDelta? {
        guard var group = current else {
            current = Group(firstSend: sendTime, lastSend: sendTime, firstArrival: arrival, lastArrival: arrival)
            return nil
        }
        // Reordered behind the group's start: its timing says nothing about the current queue.
        if sendTime < group.firstSend { return nil }
        if sendTime.nanoseconds(since: group.firstSend) <= burstNanoseconds || isQueueBurst(group, sendTime, arrival) {
            group.lastSend = max(group.lastSend, sendTime)
            group.lastArrival = max(group.lastArrival, arrival)
            current = group
            return nil
        }
        var delta: GroupDelta?
        if let before = previous {
            delta = GroupDelta(
                sendDeltaMilliseconds: milliseconds(group.lastSend, minus: before.lastSend),
                arrivalDeltaMilliseconds: milliseconds(group.lastArrival, minus: before.lastArrival),
                arrivalMilliseconds: Double(group.lastArrival.nanoseconds) / 1e6)
        }
        previous = group
        current = Group(firstSend: sendTime, lastSend: sendTime, firstArrival: arrival, lastArrival: arrival)
        return delta
    }

    private func isQueueBurst(_ group: Group, _ sendTime: Instant, _ arrival: Instant) -> Bool {
        let arrivalGap = milliseconds(arrival, minus: group.lastArrival)
        let sendGap = milliseconds(sendTime, minus: group.lastSend)
        return arrivalGap >= 0 && arrivalGap * 1e6 <= Double(burstNanoseconds) && arrivalGap - sendGap < 0
            && arrival.nanoseconds(since: group.firstArrival) < maximumBurstNanoseconds
    }

    private func milliseconds(_ later: Instant, minus earlier: Instant) -> Double {
        Double(Int64(bitPattern: later.nanoseconds &- earlier.nanoseconds)) / 1e6
    }
}

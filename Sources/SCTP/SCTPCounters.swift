internal import Synchronization

/// A snapshot of the hub's drop and error counters, monotonic since the hub started.
public struct SCTPCounters: Sendable, Equatable {
    /// Inbound packets that failed our header, chunk-walk or CRC32c check and never reached usrsctp.
    public var malformedPackets: Int = 0
    /// Inbound packets for an association id the hub does not know (closed, or never opened).
    public var unknownAssociationPackets: Int = 0
    /// DCEP messages (PPID 50) that did not parse (RFC 8832 §5).
    public var malformedDCEPMessages: Int = 0
    /// Messages dropped whole: inbound past the 256 KiB reassembly limit, outbound too large,
    /// outbound queue full, or refused by usrsctp.
    public var droppedMessages: Int = 0
    /// SCTP_SEND_FAILED_EVENT notifications (data usrsctp gave up on).
    public var sendFailures: Int = 0
    /// Commands dropped because the queue to the SCTP thread was full.
    public var droppedCommands: Int = 0
}

/// Live counters: written on the SCTP thread (or by enqueuers for `droppedCommands`), read anywhere.
final class SCTPCounterCells: Sendable {
    let malformedPackets = Atomic<Int>(0)
    let unknownAssociationPackets = Atomic<Int>(0)
    let malformedDCEPMessages = Atomic<Int>(0)
    let droppedMessages = Atomic<Int>(0)
    let sendFailures = Atomic<Int>(0)
    let droppedCommands = Atomic<Int>(0)

    /// Adds one to a counter; relaxed because nothing is ordered against these values.
    static func bump(_ cell: borrowing Atomic<Int>) { cell.wrappingAdd(1, ordering: .relaxed) }

    var snapshot: SCTPCounters {
        SCTPCounters(
            malformedPackets: malformedPackets.load(ordering: .relaxed),
            unknownAssociationPackets: unknownAssociationPackets.load(ordering: .relaxed),
            malformedDCEPMessages: malformedDCEPMessages.load(ordering: .relaxed),
            droppedMessages: droppedMessages.load(ordering: .relaxed),
            sendFailures: sendFailures.load(ordering: .relaxed),
            droppedCommands: droppedCommands.load(ordering: .relaxed))
    }
}

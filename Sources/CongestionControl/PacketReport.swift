public import Primitives

/// One entry of a parsed transport-cc feedback message: a sequence number of the bridge's and the
/// receiver's arrival time for it, or nil for a packet reported as not received.
///
/// This is the module's input format so that it does not depend on the RTP module's parser: the
/// shell translates the parsed RTCP into these.
public struct PacketReport: Sendable, Equatable {
    /// The 16-bit transport-wide sequence number as it appeared on the wire.
    public var sequenceNumber: UInt16
    /// Arrival on the receiver's clock (feedback reference time plus deltas); nil if lost. The
    /// shell must extend the 24-bit reference time so that this clock never runs backwards.
    public var arrival: Instant?

    /// Creates a report entry.
    @inlinable
    public init(sequenceNumber: UInt16, arrival: Instant?) {
        self.sequenceNumber = sequenceNumber
        self.arrival = arrival
    }
}

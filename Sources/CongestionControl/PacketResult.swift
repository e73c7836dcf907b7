// What one transport-cc feedback entry (draft-holmer-rmcat-transport-wide-cc-extensions-01 §3.1)
// says about a packet the bridge sent, joined with what the bridge remembers of sending it.
public import Primitives

/// The fate of one packet the bridge sent to a receiver: when it left, how big it was, and when the
/// receiver saw it (or that it never did).
///
/// Send and arrival times come from different clocks (the bridge's, and the receiver's feedback
/// reference time), so only differences within each are meaningful; the estimators never mix them.
public struct PacketResult: Sendable, Equatable {
    /// The bridge's transport-wide sequence number, extended to 64 bits so that it never wraps.
    public var sequenceNumber: Int64
    /// When the bridge handed the packet to the socket, on the bridge's clock.
    public var sendTime: Instant
    /// Bytes on the wire that count against the receiver's link (RTP header, payload, SRTP tag).
    public var size: Int
    /// When the receiver got the packet, on the receiver's clock; nil when feedback reports it lost.
    public var arrival: Instant?
    /// The probe cluster the packet was sent in, -1 for none.
    public var probeCluster: Int

    /// Creates a result; `arrival` nil means the packet was reported lost.
    @inlinable
    public init(sequenceNumber: Int64, sendTime: Instant, size: Int, arrival: Instant?, probeCluster: Int = -1) {
        self.sequenceNumber = sequenceNumber
        self.sendTime = sendTime
        self.size = size
        self.arrival = arrival
        self.probeCluster = probeCluster
    }

    /// Whether the feedback said the packet did not arrive.
    @inlinable public var isLost: Bool { arrival == nil }
}

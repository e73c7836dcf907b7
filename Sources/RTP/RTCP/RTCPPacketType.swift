/// RTCP packet types (RFC 3550 §12.1, RFC 4585 §6.1, RFC 3611).
public enum RTCPPacketType {
    /// Sender report.
    public static let senderReport: UInt8 = 200
    /// Receiver report.
    public static let receiverReport: UInt8 = 201
    /// Source description.
    public static let sourceDescription: UInt8 = 202
    /// Goodbye.
    public static let bye: UInt8 = 203
    /// Application-defined.
    public static let application: UInt8 = 204
    /// Transport-layer feedback (RFC 4585): NACK (FMT 1), transport-cc (FMT 15).
    public static let transportFeedback: UInt8 = 205
    /// Payload-specific feedback (RFC 4585): PLI (FMT 1), FIR (FMT 4), REMB (FMT 15).
    public static let payloadFeedback: UInt8 = 206
    /// Extended reports (RFC 3611).
    public static let extendedReport: UInt8 = 207
}

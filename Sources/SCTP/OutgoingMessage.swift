/// A message waiting for, or part-way through, `usrsctp_sendv` (SCTP thread only).
struct OutgoingMessage {
    /// Explicit stream (DCEP control), or nil for "the association's primary channel",
    /// resolved when the message reaches the head of the queue.
    var streamID: UInt16?
    var ppid: UInt32
    var bytes: [UInt8]
    /// Bytes already accepted by usrsctp: with `SCTP_EXPLICIT_EOR` a large message can be
    /// taken in parts, and the rest must follow before any other message.
    var offset = 0
    /// Whether this is DCEP: always ordered and reliable (RFC 8832 §6), whatever the channel.
    var isControl: Bool { ppid == SCTPPayloadProtocol.dcep }
}

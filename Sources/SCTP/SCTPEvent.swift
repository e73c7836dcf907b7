/// What the hub reports about associations and their data channels, on the SCTP thread.
public enum SCTPEvent: Sendable, Equatable {
    /// A data channel became usable: after we ACKed the peer's DCEP OPEN (server side), or after
    /// the peer's ACK or first message arrived for our OPEN (client side).
    case channelOpened(SCTPAssociationID, streamID: UInt16, label: String, protocol: String)
    /// The peer reset the channel's stream (RFC 8831 §6.7); we reset ours in turn.
    case channelClosed(SCTPAssociationID, streamID: UInt16)
    /// One complete, reassembled message. `ppid` is as received: 51 text, 53 binary; for the
    /// empty variants 56/57 `bytes` is empty (the one-byte placeholder is stripped, RFC 8831 §6.6).
    case message(SCTPAssociationID, streamID: UInt16, ppid: UInt32, bytes: [UInt8])
    /// The association is established (COMM_UP, or accepted on the server side).
    case associationUp(SCTPAssociationID)
    /// The association is gone: closed by us, by the peer, or failed. Reported once per open call.
    case associationClosed(SCTPAssociationID)
}

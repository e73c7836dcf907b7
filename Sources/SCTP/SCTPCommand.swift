/// Work handed from any thread to the SCTP thread.
enum SCTPCommand: Sendable {
    case openServer(SCTPAssociationID)
    case openClient(SCTPAssociationID)
    case openChannel(SCTPAssociationID, label: String, protocol: String)
    case closeChannel(SCTPAssociationID, streamID: UInt16)
    case inbound(SCTPAssociationID, [UInt8])
    case send(SCTPAssociationID, ppid: UInt32, bytes: [UInt8])
    case close(SCTPAssociationID)
}

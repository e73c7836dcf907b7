/// What the engine asks of the shells.
public enum BridgeEvent: Sendable {
    /// DTLS is up for an endpoint that asked for SCTP: create its server association.
    case sctpAssociationOpened(SCTPAssociationTag)
    /// An SCTP packet arrived inside DTLS for this association: feed it to the SCTP stack.
    case sctpPacketReceived(SCTPAssociationTag, [UInt8])
    /// The endpoint is gone: tear its association down.
    case sctpAssociationClosed(SCTPAssociationTag)
    /// Send this UTF-8 JSON text (PPID 51) on the association's data channel.
    case sendBridgeChannelMessage(SCTPAssociationTag, String)
    /// Something worth one log line (per event, never per packet).
    case log(BridgeLogLevel, String)
}

/// Log levels the engine uses.
public enum BridgeLogLevel: Sendable { case debug, info, warning, error }

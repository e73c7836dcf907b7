public import Bridge
public import Logging
import SCTP

/// Connects the SCTP thread and the media thread.
///
/// Engine events for associations (on the media thread) become `SCTPHub` calls; packets the SCTP
/// stack wants sent and bridge-channel messages it received go back to the engine as media-loop
/// commands. The hub's callbacks run on the SCTP thread and never block.
public final class SCTPGateway: Sendable {
    /// RFC 8831 §8: PPID 51 is "WebRTC String", the bridge channel's JSON text.
    static let stringPPID: UInt32 = 51

    private let hub: SCTPHub
    private let logger: Logger

    /// Creates the hub, wired to `loop`.
    public init(loop: MediaLoop, logger: Logger) {
        self.logger = logger
        hub = SCTPHub(
            outbound: { id, packet in
                loop.sendSCTPPacket(packet, association: SCTPAssociationTag(rawValue: id.rawValue))
            },
            events: { event in Self.handle(event, loop: loop, logger: logger) }
        )
    }

    /// Carries out one engine event (media thread).
    public func handle(_ event: BridgeEvent) {
        switch event {
        case .sctpAssociationOpened(let tag): hub.openServer(SCTPAssociationID(rawValue: tag.rawValue))
        case .sctpPacketReceived(let tag, let packet):
            hub.handleInbound(SCTPAssociationID(rawValue: tag.rawValue), packet: packet)
        case .sctpAssociationClosed(let tag): hub.close(SCTPAssociationID(rawValue: tag.rawValue))
        case .sendBridgeChannelMessage(let tag, let text): hub.send(SCTPAssociationID(rawValue: tag.rawValue), text: text)
        case .log: break
        }
    }

    /// The SCTP thread's drops by metrics reason: malformed packets and DCEP messages are
    /// bad input, the rest are associations or queues that could not take the data.
    public var dropCounts: [String: UInt64] {
        let counters = hub.counters
        return [
            "sctp_malformed_packet": UInt64(counters.malformedPackets),
            "sctp_unknown_association": UInt64(counters.unknownAssociationPackets),
            "sctp_malformed_dcep": UInt64(counters.malformedDCEPMessages),
            "sctp_dropped_message": UInt64(counters.droppedMessages),
        ]
    }

    /// Stops the SCTP thread (after the media loop has stopped).
    public func shutdown() { hub.shutdown() }

    private static func handle(_ event: SCTPEvent, loop: MediaLoop, logger: Logger) {
        switch event {
        case .message(let id, _, let ppid, let bytes) where ppid == stringPPID:
            loop.deliverBridgeChannelMessage(bytes, association: SCTPAssociationTag(rawValue: id.rawValue))
        case .message(let id, let stream, let ppid, _):
            logger.debug("ignoring non-text data channel message", metadata: [
                "association": "\(id.rawValue)", "stream": "\(stream)", "ppid": "\(ppid)",
            ])
        case .channelOpened(let id, let stream, let label, _):
            loop.deliverBridgeChannelOpened(association: SCTPAssociationTag(rawValue: id.rawValue))
            logger.info("data channel opened", metadata: [
                "association": "\(id.rawValue)", "stream": "\(stream)", "label": "\(label)",
            ])
        case .channelClosed(let id, let stream):
            logger.info("data channel closed", metadata: ["association": "\(id.rawValue)", "stream": "\(stream)"])
        case .associationUp(let id): logger.info("SCTP association up", metadata: ["association": "\(id.rawValue)"])
        case .associationClosed(let id):
            logger.info("SCTP association closed", metadata: ["association": "\(id.rawValue)"])
        }
    }
}

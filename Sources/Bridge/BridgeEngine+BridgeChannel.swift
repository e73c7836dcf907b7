import Colibri
public import Primitives

extension BridgeEngine {
    /// Feeds one bridge-channel message (UTF-8 JSON, PPID 51) received on an endpoint's data channel.
    ///
    /// `EndpointMessage` is relayed with `from` set to the sender (to one endpoint, or to every
    /// other endpoint for `to: ""`); `ClientHello` gets a `ServerHello`; the rest is accepted
    /// and, until the allocator exists, ignored (docs/colibri2.md §4.4).
    public func handleBridgeChannelMessage(_ json: [UInt8], association: SCTPAssociationTag, now: Instant) {
        lastNow = now
        guard let sender = endpointsBySCTPTag[association.rawValue] else { return }
        sender.wakeTimers()
        counters.dataChannelMessagesReceived &+= 1
        let message: BridgeChannelMessage
        do {
            message = try BridgeChannelMessage.parse(json)
        } catch {
            return drop(.malformedBridgeChannelMessage)
        }
        switch message {
        case .endpointMessage(let to):
            // Visitors may not message the conference (JVB drops them too).
            guard !sender.isVisitor else { return }
            let conference = sender.conference
            guard let relayed = try? BridgeChannelMessage.relayingEndpointMessage(json, from: sender.id) else {
                return drop(.malformedBridgeChannelMessage)
            }
            if to.isEmpty {
                for receiver in conference.endpoints where receiver !== sender { sendBridgeChannel(relayed, to: receiver) }
            } else if let receiver = conference.endpoint(to) {
                sendBridgeChannel(relayed, to: receiver)
            } else {
                drop(.unknownBridgeChannelTarget)
            }
        case .endpointStats:
            guard let relayed = try? BridgeChannelMessage.relayingEndpointMessage(json, from: sender.id) else {
                return drop(.malformedBridgeChannelMessage)
            }
            for receiver in sender.conference.endpoints where receiver !== sender { sendBridgeChannel(relayed, to: receiver) }
        case .clientHello:
            sendBridgeChannel(BridgeChannelMessage.serverHello(version: nil), to: sender)
        case .receiverVideoConstraints(let constraints):
            sender.receiver.constraints.merge(constraints)
            sender.conference.allocationDue = true
        case .lastNChanged(let lastN):
            var constraints = ReceiverVideoConstraints()
            constraints.lastN = lastN
            sender.receiver.constraints.merge(constraints)
            sender.conference.allocationDue = true
        case .sourceVideoType(let sourceName, let videoType):
            // Only the owner may change its source's type.
            guard let source = sender.sources.videoSource(named: sourceName), let type = VideoType(signalled: videoType) else { return }
            source.videoType = type
            sender.conference.allocationDue = true
        case .other:
            break
        }
    }

    /// The endpoint's data channel opened (first time or after a reconnect): greet it with the
    /// state it must know.
    public func handleBridgeChannelOpened(association: SCTPAssociationTag, now: Instant) {
        lastNow = now
        guard let endpoint = endpointsBySCTPTag[association.rawValue] else { return }
        endpoint.isBridgeChannelOpen = true
        endpoint.wakeTimers()
        greet(endpoint)
    }

    /// Queues one JSON text for an endpoint's data channel, if it has one.
    func sendBridgeChannel(_ text: String, to endpoint: Endpoint) {
        guard let tag = endpoint.sctpTag, endpoint.sctpOpened else { return }
        counters.dataChannelMessagesSent &+= 1
        emit(.sendBridgeChannelMessage(tag, text))
    }
}

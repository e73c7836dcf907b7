extension SCTPLoop {
    /// Client side of DCEP: picks a stream of our parity and queues DATA_CHANNEL_OPEN,
    /// ordered and reliable (the bridge channel's settings, `BridgeChannel.ts`).
    func openChannel(_ id: SCTPAssociationID, label: String, protocol proto: String) {
        guard let association = associations[id], let stream = association.allocateStreamID() else { return }
        let open = DCEPOpen(channelType: .reliable, priority: 0, reliabilityParameter: 0, label: label, protocol: proto)
        association.channels[stream] = DataChannel(open, state: .opening)
        association.pendingControl.append(
            OutgoingMessage(streamID: stream, ppid: SCTPPayloadProtocol.dcep, bytes: open.encoded()))
        flush(association)
    }

    /// Closes a channel from our side: reset our outgoing stream (RFC 8831 §6.7); the peer
    /// answers by resetting its own, which then finds no channel here and is ignored.
    func closeChannel(_ id: SCTPAssociationID, streamID: UInt16) {
        guard let association = associations[id], association.channels[streamID] != nil else { return }
        association.removeChannel(streamID)
        if let socket = association.socket { SCTPSocketOptions.resetOutgoingStreams(socket, [streamID]) }
        emit(.channelClosed(id, streamID: streamID))
    }

    /// One complete inbound message: DCEP is handled here, everything else becomes an event.
    func handleMessage(_ association: SCTPAssociation, streamID: UInt16, ppid: UInt32, _ message: [UInt8]) {
        if ppid == SCTPPayloadProtocol.dcep {
            return handleDCEP(association, streamID: streamID, message)
        }
        // RFC 8832 §6: user data on a channel still waiting for its ACK acts as the ACK.
        if association.channels[streamID]?.state == .opening { markOpen(association, streamID: streamID) }
        let bytes = SCTPPayloadProtocol.isEmptyVariant(ppid) ? [] : message
        emit(.message(association.id, streamID: streamID, ppid: ppid, bytes: bytes))
    }

    private func handleDCEP(_ association: SCTPAssociation, streamID: UInt16, _ message: [UInt8]) {
        let parsed: DCEPMessage
        do {
            parsed = try DCEPMessage.parse(message)
        } catch {
            return SCTPCounterCells.bump(core.counters.malformedDCEPMessages)
        }
        switch parsed {
        case .open(let open):
            // An OPEN on a stream we are opening ourselves is a collision the peer should not
            // cause (parities differ); answering it would leave both sides confused.
            guard association.channels[streamID]?.state != .opening else {
                return SCTPCounterCells.bump(core.counters.malformedDCEPMessages)
            }
            association.channels[streamID] = DataChannel(open, state: .open)
            association.adoptPrimary(streamID)
            association.pendingControl.append(
                OutgoingMessage(streamID: streamID, ppid: SCTPPayloadProtocol.dcep, bytes: DCEPMessage.ackBytes))
            emit(.channelOpened(association.id, streamID: streamID, label: open.label, protocol: open.protocol))
        case .ack:
            // A stray or repeated ACK changes nothing.
            guard association.channels[streamID]?.state == .opening else { return }
            markOpen(association, streamID: streamID)
        }
    }

    private func markOpen(_ association: SCTPAssociation, streamID: UInt16) {
        guard var channel = association.channels[streamID] else { return }
        channel.state = .open
        association.channels[streamID] = channel
        association.adoptPrimary(streamID)
        emit(.channelOpened(association.id, streamID: streamID, label: channel.label, protocol: channel.protocol))
    }
}

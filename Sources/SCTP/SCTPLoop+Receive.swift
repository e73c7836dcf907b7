internal import CUsrsctp
internal import Glibc

extension SCTPLoop {
    /// Largest message we reassemble: the `a=max-message-size` WebRTC peers advertise.
    static let maxReassembledMessage = SCTPSocketOptions.maxMessageSize

    /// Validates and feeds one packet, then drains the association whether or not an upcall
    /// fired: that covers accept on the server side and data that arrived with the packet.
    func receivePacket(_ id: SCTPAssociationID, _ packet: [UInt8]) {
        guard associations[id] != nil else {
            return SCTPCounterCells.bump(core.counters.unknownAssociationPackets)
        }
        var packet = packet
        do {
            try SCTPPacketCheck.validate(&packet)
        } catch {
            return SCTPCounterCells.bump(core.counters.malformedPackets)
        }
        packet.withUnsafeBytes { raw in
            usrsctp_conninput(id.connAddress, raw.baseAddress, raw.count, 0)
        }
        markReadable(id)
    }

    /// Drains every association marked readable, including ones marked while draining.
    func drainReadable() {
        while !readable.isEmpty {
            let ids = readable
            readable.removeAll(keepingCapacity: true)
            for id in ids { drain(id) }
        }
    }

    private func drain(_ id: SCTPAssociationID) {
        guard let association = associations[id] else { return }
        association.isReadPending = false
        if association.socket == nil { accept(association) }
        if let socket = association.socket { receiveAll(association, socket) }
        if association.isDead {
            teardown(association)
        } else {
            flush(association)
        }
    }

    /// Calls `usrsctp_recvv` until it would block. Runs outside any usrsctp callback, so
    /// sending and closing from here are safe (sctp.md §2.4).
    private func receiveAll(_ association: SCTPAssociation, _ socket: OpaquePointer) {
        while true {
            var info = sctp_rcvinfo()
            var infoLength = socklen_t(MemoryLayout<sctp_rcvinfo>.size)
            var infoType: UInt32 = 0
            var flags: Int32 = 0
            let count = receiveBuffer.withUnsafeMutableBytes { raw in
                usrsctp_recvv(socket, raw.baseAddress, raw.count, nil, nil, &info, &infoLength, &infoType, &flags)
            }
            // < 0: EWOULDBLOCK, or an error on a dead socket. 0: the peer is gone for good.
            guard count > 0 else {
                if count == 0 { association.isDead = true }
                return
            }
            let isEnd = flags & Int32(MSG_EOR) != 0
            if flags & MSG_NOTIFICATION != 0 {
                let notification = receiveBuffer.withUnsafeBytes {
                    SCTPNotification.decode(UnsafeRawBufferPointer(rebasing: $0[..<count]))
                }
                if let notification { handle(notification, association) }
                continue
            }
            let ppid = infoType == UInt32(SCTP_RECVV_RCVINFO) ? UInt32(bigEndian: info.rcv_ppid) : 0
            if let message = reassemble(association, count: count, isEnd: isEnd) {
                handleMessage(association, streamID: info.rcv_sid, ppid: ppid, message)
            }
        }
    }

    /// Returns the complete message once MSG_EOR arrives. Messages above 64 KiB come in parts
    /// (sctp.md §2.6); with one association per socket and fragment interleave level 1 the
    /// parts of different messages never mix, so one buffer per association is enough.
    private func reassemble(_ association: SCTPAssociation, count: Int, isEnd: Bool) -> [UInt8]? {
        if association.isDiscardingMessage {
            if isEnd { association.isDiscardingMessage = false }
            return nil
        }
        if association.reassembly.isEmpty && isEnd {
            return Array(receiveBuffer[..<count])
        }
        guard association.reassembly.count + count <= Self.maxReassembledMessage else {
            association.reassembly = []
            association.isDiscardingMessage = !isEnd
            SCTPCounterCells.bump(core.counters.droppedMessages)
            return nil
        }
        association.reassembly += receiveBuffer[..<count]
        guard isEnd else { return nil }
        defer { association.reassembly = [] }
        return association.reassembly
    }

    private func handle(_ notification: SCTPNotification, _ association: SCTPAssociation) {
        switch notification {
        case .associationChange(let state):
            switch state {
            case SCTPNotification.commUp: markUp(association)
            case SCTPNotification.commLost, SCTPNotification.shutdownComplete, SCTPNotification.cantStartAssociation:
                association.isDead = true
            default: break  // RESTART: the peer lost state but kept its tag; channels carry on.
            }
        case .streamReset(let flags, let streams):
            guard flags & SCTPNotification.streamResetIncoming != 0 else { return }
            peerClosedStreams(association, streams.isEmpty ? Array(association.channels.keys) : streams)
        case .partialDelivery(let indication):
            guard indication == SCTPNotification.partialDeliveryAborted else { return }
            association.reassembly = []
            association.isDiscardingMessage = false
        case .sendFailed:
            SCTPCounterCells.bump(core.counters.sendFailures)
        case .other:
            break
        }
    }

    /// The peer reset its outgoing side of these streams, which closes the channels (RFC 8831
    /// §6.7); we reset our outgoing side in turn so the stream ids can be reused.
    private func peerClosedStreams(_ association: SCTPAssociation, _ streams: [UInt16]) {
        let closed = streams.filter { association.channels[$0] != nil }
        guard !closed.isEmpty else { return }
        for stream in closed {
            association.removeChannel(stream)
            emit(.channelClosed(association.id, streamID: stream))
        }
        if let socket = association.socket { SCTPSocketOptions.resetOutgoingStreams(socket, closed) }
    }
}

internal import CUsrsctp
internal import Glibc

extension SCTPLoop {
    /// User messages waiting for a channel or for send-buffer space, per association; beyond
    /// this, new messages are dropped and counted.
    static let maxPendingBytes = 4 * 1_048_576

    private enum WriteResult { case complete, partial, wouldBlock, failed }

    /// Queues a user message for the association's primary channel and tries to send.
    func enqueueUserMessage(_ id: SCTPAssociationID, ppid: UInt32, bytes: [UInt8]) {
        guard let association = associations[id], bytes.count <= SCTPSocketOptions.maxMessageSize,
            association.pendingBytes + bytes.count <= Self.maxPendingBytes
        else { return SCTPCounterCells.bump(core.counters.droppedMessages) }
        association.pending.append(OutgoingMessage(streamID: nil, ppid: ppid, bytes: bytes))
        association.pendingBytes += bytes.count
        flush(association)
    }

    /// Sends queued messages until the queue is empty, no channel is open for user data, or
    /// usrsctp's send buffer is full (then the next inbound SACK's drain resumes it).
    func flush(_ association: SCTPAssociation) {
        guard association.isUp, let socket = association.socket else { return }
        while true {
            if association.inProgress == nil {
                association.inProgress = nextMessage(association)
            }
            guard var message = association.inProgress else { return }
            switch write(&message, association, socket) {
            case .complete:
                association.inProgress = nil
            case .partial:
                association.inProgress = message
                return
            case .wouldBlock:
                return
            case .failed:
                association.inProgress = nil
                SCTPCounterCells.bump(core.counters.droppedMessages)
            }
        }
    }

    private func nextMessage(_ association: SCTPAssociation) -> OutgoingMessage? {
        if !association.pendingControl.isEmpty { return association.pendingControl.removeFirst() }
        guard !association.pending.isEmpty, let stream = association.primaryStream else { return nil }
        var message = association.pending.removeFirst()
        association.pendingBytes -= message.bytes.count
        message.streamID = stream
        return message
    }

    /// One `usrsctp_sendv` of the unsent rest. PPIDs are opaque to usrsctp, so they go in
    /// network byte order; SCTP_EOR on every call ends the message once the rest is taken.
    private func write(_ message: inout OutgoingMessage, _ association: SCTPAssociation, _ socket: OpaquePointer) -> WriteResult {
        guard let stream = message.streamID else { return .failed }
        var spa = sctp_sendv_spa()
        spa.sendv_flags = UInt32(SCTP_SEND_SNDINFO_VALID)
        spa.sendv_sndinfo.snd_sid = stream
        spa.sendv_sndinfo.snd_flags = UInt16(SCTP_EOR)
        spa.sendv_sndinfo.snd_ppid = message.ppid.bigEndian
        if !message.isControl, let channel = association.channels[stream] {
            if channel.channelType.isUnordered { spa.sendv_sndinfo.snd_flags |= UInt16(SCTP_UNORDERED) }
            if channel.channelType.prPolicy != 0 {
                spa.sendv_flags |= UInt32(SCTP_SEND_PRINFO_VALID)
                spa.sendv_prinfo.pr_policy = channel.channelType.prPolicy
                spa.sendv_prinfo.pr_value = channel.reliabilityParameter
            }
        }
        let offset = message.offset
        let sent = message.bytes.withUnsafeBytes { raw in
            usrsctp_sendv(socket, raw.baseAddress.map { $0 + offset }, raw.count - offset, nil, 0,
                          &spa, socklen_t(MemoryLayout<sctp_sendv_spa>.size), UInt32(SCTP_SENDV_SPA), 0)
        }
        guard sent >= 0 else { return errno == EAGAIN || errno == EWOULDBLOCK ? .wouldBlock : .failed }
        message.offset += sent
        return message.offset >= message.bytes.count ? .complete : .partial
    }
}

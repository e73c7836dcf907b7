import CNice
public import Primitives

// Incoming STUN: the entry point and the answer to the peer's checks (RFC 8445 §7.3).
extension ICEAgent {
    /// Handles any STUN datagram for this agent: the peer's checks (answered into `transmit`,
    /// followed by a triggered check) and responses to ours. Binding indications (keepalives)
    /// are accepted and ignored. Throws, without side effects beyond the error responses
    /// documented on `ICEError`, for anything invalid.
    public func handleSTUN(
        _ datagram: UnsafeRawBufferPointer, from source: PeerAddress, now: Instant, transmit: TransmitQueue
    ) throws(ICEError) {
        guard let type = STUNPeek.messageType(datagram) else {
            throw Self.looksLikeSTUN(datagram) ? .malformed : .notSTUN
        }
        let isBinding = type & 0x3EEF == 0x0001
        switch type & 0x0110 {
        case 0x0000: try handleRequest(datagram, from: source, now: now, transmit: transmit)
        case 0x0010: guard isBinding else { throw .unsupportedMethod }
        default:
            guard isBinding else { throw .unexpectedResponse }
            try handleResponse(datagram, from: source, now: now, transmit: transmit)
        }
    }

    /// A header that passes RFC 7983's first-byte test and carries the magic cookie, whose
    /// length or attributes are wrong.
    private static func looksLikeSTUN(_ datagram: UnsafeRawBufferPointer) -> Bool {
        datagram.count >= STUNPeek.headerLength && datagram[0] & 0xC0 == 0
            && STUNPeek.load32(datagram, at: 4) == STUNPeek.magicCookie
    }

    private func handleRequest(
        _ datagram: UnsafeRawBufferPointer, from source: PeerAddress, now: Instant, transmit: TransmitQueue
    ) throws(ICEError) {
        guard let username = STUNPeek.attribute(STUNPeek.usernameAttribute, in: datagram),
            usernameIsOurs(datagram, username)
        else { throw .unauthorized }
        if case .unknownRequestAttribute = try stun.validate(datagram, username: username) {
            // RFC 5389 §7.3.1: an authenticated request with unknown mandatory attributes gets 420.
            transmit.append(to: source) { stun.writeUnknownAttributesError(into: $0) }
            throw .unknownAttribute
        }
        // RFC 8445 §7.1.1 makes PRIORITY mandatory; without it we could not learn a candidate.
        guard let priority = stun.messagePriority else { throw .malformed }
        let useCandidate = stun.messageUsesCandidate

        var controlling = role == .controlling
        var verdict = STUN_USAGE_ICE_RETURN_ERROR
        let queued = transmit.append(to: source) { slot in
            let (result, length) = stun.writeReply(into: slot, to: source, controlling: &controlling, tieBreaker: tieBreaker)
            verdict = result
            return length
        }
        // A full queue drops the reply like the network would; the peer retransmits.
        guard queued else { return }
        switch verdict {
        case STUN_USAGE_ICE_RETURN_SUCCESS: break
        case STUN_USAGE_ICE_RETURN_ROLE_CONFLICT:
            // libnice flips `controlling` when we lose (and then answers with success);
            // otherwise it has answered 487 and the peer must switch.
            guard controlling != (role == .controlling) else { throw .roleConflict }
            switchRole()
        case STUN_USAGE_ICE_RETURN_INVALID_METHOD: throw .unsupportedMethod
        default: throw .malformed
        }
        try learnFromRequest(source: source, priority: priority, useCandidate: useCandidate, now: now, transmit: transmit)
    }

    /// After answering an authenticated check: learn a peer-reflexive pair if the source is
    /// new (RFC 8445 §7.3.1.3), note a nomination (§7.3.1.5), and trigger a check (§7.3.1.4).
    private func learnFromRequest(
        source: PeerAddress, priority: UInt32, useCandidate: Bool, now: Instant, transmit: TransmitQueue
    ) throws(ICEError) {
        guard let index = pairIndex(of: source) ?? addPair(remote: source, type: .prflx, priority: priority) else {
            throw .tooManyCandidates
        }
        pairs[index].verified = true
        if useCandidate, role == .controlled {
            pairs[index].peerNominated = true
            if pairs[index].state == .succeeded, selected != index { select(index, now: now) }
        }
        switch pairs[index].state {
        case .succeeded:
            // After consent loss the peer may have moved (NAT rebinding): its checks from an
            // address that already answered ours make that pair the one to nominate.
            if role == .controlling, state == .disconnected, index != selected, !pairs.contains(where: { $0.nominating }) {
                nominate(index, now: now, transmit: transmit)
            }
        case .inProgress: break
        case .waiting, .failed:
            pairs[index].state = .waiting
            pairs[index].triggered = true
            runPacer(now: now, transmit: transmit)
        }
    }

    /// USERNAME must be `<our ufrag>:<their ufrag>` (RFC 8445 §7.3). Before the remote ufrag is
    /// signalled, any remote half is accepted: MESSAGE-INTEGRITY with our password still
    /// authenticates the request.
    private func usernameIsOurs(_ datagram: UnsafeRawBufferPointer, _ username: Range<Int>) -> Bool {
        let local = localUfrag.count
        guard username.count > local, datagram[username.lowerBound + local] == UInt8(ascii: ":") else { return false }
        for i in 0..<local where datagram[username.lowerBound + i] != localUfrag[i] { return false }
        guard let remoteUfrag else { return true }
        let remoteStart = username.lowerBound + local + 1
        guard username.upperBound - remoteStart == remoteUfrag.count else { return false }
        for i in 0..<remoteUfrag.count where datagram[remoteStart + i] != remoteUfrag[i] { return false }
        return true
    }

    /// Takes the other role after losing a conflict; pair priorities depend on the role.
    func switchRole() {
        role = role == .controlling ? .controlled : .controlling
        for i in pairs.indices {
            pairs[i].priority = CandidatePair.priority(local: localPriority, remote: pairs[i].remotePriority, role: role)
            pairs[i].nominating = false
        }
    }
}

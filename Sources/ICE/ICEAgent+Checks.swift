public import Primitives

// Our checks: pacing, retransmits, consent freshness and the failure timer (RFC 8445 §6.1.4,
// §7.2; RFC 7675).
extension ICEAgent {
    /// Fires every timer that is due: failure, retransmits, the next paced check and consent.
    public func handleTimeout(now: Instant, transmit: TransmitQueue) {
        guard state != .new, state != .failed else { return }
        if state == .checking, let failAt, now >= failAt {
            fail()
            return
        }
        for i in pairs.indices where pairs[i].state == .inProgress && pairs[i].transaction != nil
            && !pairs[i].transactionIsConsent && now >= pairs[i].nextRetransmit
        {
            retransmit(i, now: now, transmit: transmit)
        }
        runPacer(now: now, transmit: transmit)
        guard let selected else { return }
        if let nextConsentAt, now >= nextConsentAt {
            // RFC 7675 §5.1: a fresh transaction per interval, not retransmitted; the 30 s
            // window spans five or more of them.
            sendCheck(selected, useCandidate: false, consent: true, now: now, transmit: transmit)
            self.nextConsentAt = now.adding(milliseconds: consentInterval())
        }
        if state == .connected, let last = pairs[selected].lastResponse,
            now >= last.adding(milliseconds: ICETiming.consentExpiry)
        {
            state = .disconnected
            post(.consentLost)
        }
    }

    /// The earliest instant `handleTimeout` has work to do, or nil if none is scheduled.
    public func nextDeadline() -> Instant? {
        guard state != .new, state != .failed else { return nil }
        var deadline: Instant? = state == .checking ? failAt : nil
        var pacerHasWork = false
        for pair in pairs {
            if pair.state == .inProgress, pair.transaction != nil, !pair.transactionIsConsent {
                deadline = deadline.earliest(pair.nextRetransmit)
            }
            if pair.triggered || (state == .checking && pair.state == .waiting) { pacerHasWork = true }
        }
        if pacerHasWork { deadline = deadline.earliest(nextCheckAt) }
        if let selected {
            deadline = deadline.earliest(nextConsentAt)
            if state == .connected, let last = pairs[selected].lastResponse {
                deadline = deadline.earliest(last.adding(milliseconds: ICETiming.consentExpiry))
            }
        }
        return deadline
    }

    /// Starts at most one new check per pacing interval Ta: triggered checks first (RFC 8445
    /// §6.1.4.2), then, until a pair is selected, the best waiting pair. Once connected only
    /// triggered checks run, as jitsi-videobridge keeps only the selected pair alive.
    func runPacer(now: Instant, transmit: TransmitQueue) {
        guard remotePassword != nil, state != .new, state != .failed, now >= nextCheckAt else { return }
        let next = bestPair { $0.triggered } ?? (state == .checking ? bestPair { $0.state == .waiting } : nil)
        guard let next else { return }
        sendCheck(next, useCandidate: role == .controlling && pairs[next].nominating, consent: false, now: now, transmit: transmit)
        nextCheckAt = now.adding(milliseconds: ICETiming.pacing)
    }

    /// Builds a check for pair `index` into its stable buffer and queues it. Any older
    /// transaction on the pair is forgotten: one transaction per pair.
    func sendCheck(_ index: Int, useCandidate: Bool, consent: Bool, now: Instant, transmit: TransmitQueue) {
        guard let username = outgoingUsername, let password = remotePassword else { return }
        // A check already in flight on the pair proves consent just as well; keep its retransmits.
        if consent, pairs[index].state == .inProgress { return }
        if let old = pairs[index].transaction {
            stun.forget(old)
            pairs[index].transaction = nil
        }
        let request: UnsafeMutableRawBufferPointer
        if let existing = pairs[index].request {
            request = existing
        } else {
            // Header 20, PRIORITY 8, USE-CANDIDATE 4, ICE-CONTROLLING 12, USERNAME 4+padded,
            // MESSAGE-INTEGRITY 24, FINGERPRINT 8.
            request = .allocate(byteCount: 80 + (username.count + 3) & ~3, alignment: 8)
            pairs[index].request = request
        }
        let controlling = role == .controlling
        let length = stun.writeRequest(
            into: request, username: UnsafeRawBufferPointer(username), password: UnsafeRawBufferPointer(password),
            useCandidate: useCandidate, controlling: controlling, priority: checkPriority, tieBreaker: tieBreaker)
        pairs[index].triggered = false
        guard length > 0 else {
            checkFailed(index, isConsent: consent, now: now)
            return
        }
        pairs[index].transaction = TransactionID(header: UnsafeRawBufferPointer(request))
        pairs[index].requestLength = length
        pairs[index].transactionIsConsent = consent
        pairs[index].transactionUsesCandidate = useCandidate
        pairs[index].transactionControlling = controlling
        pairs[index].sentAt = now
        if !consent {
            pairs[index].state = .inProgress
            pairs[index].attempts = 1
            pairs[index].retransmitTimeout = ICETiming.initialRetransmit
            pairs[index].nextRetransmit = now.adding(milliseconds: Int64(ICETiming.initialRetransmit))
        }
        transmit.append(copying: UnsafeRawBufferPointer(rebasing: request[0..<length]), to: pairs[index].remote)
    }

    /// Sends the same bytes again (same transaction, RFC 5389 §7.2.1) or gives up on the pair.
    private func retransmit(_ index: Int, now: Instant, transmit: TransmitQueue) {
        guard pairs[index].attempts < ICETiming.maximumTransmissions, let request = pairs[index].request else {
            if let transaction = pairs[index].transaction { stun.forget(transaction) }
            pairs[index].transaction = nil
            checkFailed(index, isConsent: false, now: now)
            return
        }
        pairs[index].attempts += 1
        pairs[index].retransmitTimeout &*= 2
        pairs[index].nextRetransmit = now.adding(milliseconds: Int64(pairs[index].retransmitTimeout))
        transmit.append(
            copying: UnsafeRawBufferPointer(rebasing: request[0..<pairs[index].requestLength]), to: pairs[index].remote)
    }

    /// Gives up: nothing was selected within `ICETiming.failure`.
    private func fail() {
        for i in pairs.indices {
            if let transaction = pairs[i].transaction { stun.forget(transaction) }
            pairs[i].transaction = nil
            pairs[i].triggered = false
        }
        failAt = nil
        state = .failed
        post(.failed)
    }
}

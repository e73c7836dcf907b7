import Primitives

// Responses to our checks (RFC 8445 §7.2.5) and what follows: validity, nomination, selection.
extension ICEAgent {
    func handleResponse(
        _ datagram: UnsafeRawBufferPointer, from source: PeerAddress, now: Instant, transmit: TransmitQueue
    ) throws(ICEError) {
        // libnice matches the transaction ID and checks MESSAGE-INTEGRITY with the password
        // the request was signed with.
        _ = try stun.validate(datagram, username: nil)
        let transaction = stun.messageTransaction
        guard let index = pairIndex(of: transaction) else { throw .unexpectedResponse }
        let isConsent = pairs[index].transactionIsConsent
        let usedCandidate = pairs[index].transactionUsesCandidate
        let sentControlling = pairs[index].transactionControlling
        pairs[index].transaction = nil
        // RFC 8445 §7.2.5.2.1: the response must come from where the request went.
        guard source == pairs[index].remote else {
            checkFailed(index, isConsent: isConsent, now: now)
            throw .unexpectedResponse
        }
        let outcome: STUNContext.ResponseOutcome
        do { outcome = try stun.readResponse() } catch {
            checkFailed(index, isConsent: isConsent, now: now)
            throw error
        }
        switch outcome {
        case .success:
            checkSucceeded(index, isConsent: isConsent, usedCandidate: usedCandidate, now: now, transmit: transmit)
        case .roleConflict:
            // RFC 8445 §7.2.5.1: the peer holds our role with a better tie-breaker; switch
            // (unless a conflict already switched us) and try the pair again.
            if sentControlling == (role == .controlling) { switchRole() }
            pairs[index].state = .waiting
            pairs[index].triggered = true
        case .failure:
            checkFailed(index, isConsent: isConsent, now: now)
        }
    }

    private func checkSucceeded(_ index: Int, isConsent: Bool, usedCandidate: Bool, now: Instant, transmit: TransmitQueue) {
        pairs[index].verified = true
        if isConsent || pairs[index].attempts == 1 {
            roundTripTimeNanoseconds = now.nanoseconds(since: pairs[index].sentAt)
        }
        pairs[index].lastResponse = now
        if !isConsent { pairs[index].state = .succeeded }
        if usedCandidate, role == .controlling {
            // Regular nomination completed (RFC 8445 §8.1.1).
            pairs[index].nominating = false
            select(index, now: now)
        } else if role == .controlled, pairs[index].peerNominated, selected != index {
            select(index, now: now)
        } else if index == selected, state == .disconnected {
            // A fresh consent response restores the pair (RFC 7675 §5.1).
            state = .connected
            post(.connected(pairs[index].remote))
        } else if role == .controlling, needsNomination, !pairs.contains(where: { $0.nominating }) {
            nominate(index, now: now, transmit: transmit)
        }
    }

    /// The controlling side nominates while nothing is selected, or after consent on the
    /// selected pair was lost (the peer may have moved, e.g. a NAT rebinding).
    var needsNomination: Bool { selected == nil || state == .disconnected }

    func nominate(_ index: Int, now: Instant, transmit: TransmitQueue) {
        pairs[index].nominating = true
        pairs[index].triggered = true
        runPacer(now: now, transmit: transmit)
    }

    func checkFailed(_ index: Int, isConsent: Bool, now: Instant) {
        guard !isConsent else { return }
        pairs[index].state = .failed
        pairs[index].triggered = false
        if pairs[index].nominating {
            pairs[index].nominating = false
            // Try the next valid pair, if any, at the next pacing slot.
            if role == .controlling, needsNomination,
                let next = bestPair(where: { $0.state == .succeeded })
            {
                pairs[next].nominating = true
                pairs[next].triggered = true
            }
        }
    }

    /// Makes `index` the selected pair and posts the matching event.
    func select(_ index: Int, now: Instant) {
        let previous = selected.map { pairs[$0].remote }
        let address = pairs[index].remote
        selected = index
        failAt = nil
        pairs[index].lastResponse = now
        nextConsentAt = now.adding(milliseconds: consentInterval())
        if let previous, previous != address {
            post(.selectedAddressChanged(address))
        } else if previous == nil || state != .connected {
            post(.connected(address))
        }
        state = .connected
    }

    /// The highest-priority pair matching `predicate`.
    func bestPair(where predicate: (CandidatePair) -> Bool) -> Int? {
        var best: Int?
        var bestPriority: UInt64 = 0
        for i in pairs.indices where predicate(pairs[i]) && (best == nil || pairs[i].priority > bestPriority) {
            best = i
            bestPriority = pairs[i].priority
        }
        return best
    }

    func consentInterval() -> Int64 {
        ICETiming.consentBase + Int64(random.next(upperBound: ICETiming.consentJitter))
    }
}

import Primitives

/// One remote candidate paired with the bridge's single local port (RFC 8445 §6.1.2).
///
/// Every endpoint shares one local UDP socket, so a pair is identified by its remote address
/// alone. Each pair runs at most one STUN transaction at a time: a connectivity check (with
/// retransmits) or, on the selected pair, a consent check (without).
struct CandidatePair {
    /// RFC 8445 §6.1.2.6 states; Frozen is not needed with one component and one data stream.
    enum State { case waiting, inProgress, succeeded, failed }

    var remote: PeerAddress
    var remoteType: ICECandidateType
    var remotePriority: UInt32
    /// RFC 8445 §6.1.2.3 pair priority; recomputed when the role changes.
    var priority: UInt64 = 0
    var state: State = .waiting
    /// A check completed in either direction: the peer proved it knows our password from this
    /// address, or answered our check from it.
    var verified = false
    /// Queued for a triggered check (RFC 8445 §7.3.1.4), served before ordinary checks.
    var triggered = false
    /// Controlling side: the next or current check carries USE-CANDIDATE.
    var nominating = false
    /// Controlled side: the peer sent USE-CANDIDATE for this pair (RFC 8445 §7.3.1.5).
    var peerNominated = false
    /// The outstanding transaction, if any.
    var transaction: TransactionID?
    var transactionIsConsent = false
    var transactionUsesCandidate = false
    var transactionControlling = false
    var attempts = 0
    /// When the outstanding transaction was first sent; with `attempts == 1` its response times
    /// the round trip (Karn: a retransmitted request's response is ambiguous).
    var sentAt = Instant.zero
    var retransmitTimeout: UInt64 = 0
    var nextRetransmit = Instant.zero
    /// When a success response last came from this address (consent, RFC 7675).
    var lastResponse: Instant?
    /// The request as sent, kept for retransmits (same transaction ID, RFC 5389 §7.2.1);
    /// allocated on the pair's first check, so steady-state checks allocate nothing.
    var request: UnsafeMutableRawBufferPointer?
    var requestLength = 0

    init(remote: PeerAddress, type: ICECandidateType, priority: UInt32) {
        self.remote = remote
        remoteType = type
        remotePriority = priority
    }

    /// RFC 8445 §6.1.2.3: `2^32*MIN(G,D) + 2*MAX(G,D) + (G>D?1:0)`, G the controlling side's
    /// candidate priority and D the controlled side's.
    static func priority(local: UInt32, remote: UInt32, role: ICERole) -> UInt64 {
        let (g, d) = role == .controlling ? (UInt64(local), UInt64(remote)) : (UInt64(remote), UInt64(local))
        return (min(g, d) << 32) &+ 2 &* max(g, d) &+ (g > d ? 1 : 0)
    }
}

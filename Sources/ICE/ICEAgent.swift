public import Primitives

/// A full ICE agent (RFC 8445) for one bridge endpoint, controlling by default, sans-IO.
///
/// All endpoints share the bridge's one UDP port, so the agent has a single implicit local
/// candidate and pairs are keyed by remote address. Bytes and `Instant`s go in; datagrams are
/// written into a `TransmitQueue` and `ICEEvent`s are drained with `pollEvent()`. STUN
/// encoding, MESSAGE-INTEGRITY, FINGERPRINT and transaction matching are libnice's
/// (`stun_agent_validate`, `stun_usage_ice_conncheck_create[_reply]`).
///
/// Lifecycle: checks start when `setRemoteCredentials` is called, even with no remote
/// candidates, because browsers trickle and the peer's own checks reveal its address
/// (peer-reflexive). The controlling agent nominates the first pair whose check succeeds
/// (regular nomination, like ice4j's `NominateFirstHostOrReflexiveValid`); when the
/// USE-CANDIDATE check succeeds the pair is selected. Consent is refreshed every 4–6 s on the
/// selected pair (RFC 7675). An agent not connected 30 s after starting fails for good.
///
/// Steady state (consent checks both ways, their responses) allocates nothing: libnice writes
/// straight into transmit slots or into a per-pair buffer allocated on the pair's first check.
public final class ICEAgent {
    /// Pairs beyond this many are not created; it bounds work per peer (browsers offer a handful).
    public static let maximumPairs = 64

    /// Our ufrag and password.
    public let localCredentials: ICECredentials
    /// The RFC 8445 §7.3.1.1 tie-breaker. Pass `UInt64.max` to never give up the controlling
    /// role in a conflict.
    public let tieBreaker: UInt64
    /// Our current role; may flip once if the peer wins a role conflict.
    public internal(set) var role: ICERole
    /// The connection state.
    public internal(set) var state: ICEState = .new
    /// The round-trip time of the latest check answered on its first transmission (consent
    /// checks included), or nil before any: the bridge's RTT to the peer.
    public internal(set) var roundTripTimeNanoseconds: UInt64?

    let stun: STUNContext
    let localUfrag: UnsafeMutableRawBufferPointer
    /// PRIORITY we put in checks: what a peer-reflexive candidate learned from them would get
    /// (RFC 8445 §7.1.1).
    let checkPriority = ICECandidate.priority(type: .prflx)
    /// The priority of our implicit host candidate, for pair priorities.
    let localPriority = ICECandidate.priority(type: .host)

    /// The peer's credentials, once signalled.
    public private(set) var remoteCredentials: ICECredentials?
    var remoteUfrag: UnsafeMutableRawBufferPointer?
    /// Stable because libnice keeps a pointer to it per outstanding transaction.
    var remotePassword: UnsafeMutableRawBufferPointer?
    /// `<their ufrag>:<our ufrag>`, the USERNAME of our checks.
    var outgoingUsername: UnsafeMutableRawBufferPointer?

    var pairs: [CandidatePair] = []
    var selected: Int?
    var failAt: Instant?
    var nextCheckAt = Instant.zero
    var nextConsentAt: Instant?
    var random: SplitMix64
    private var events: [ICEEvent] = []
    private var eventHead = 0

    /// Creates an agent; `role` is `.controlling` for the bridge and `.controlled` for test peers.
    public init(local: ICECredentials, tieBreaker: UInt64, role: ICERole = .controlling) {
        localCredentials = local
        self.tieBreaker = tieBreaker
        self.role = role
        stun = STUNContext(localPassword: local.password)
        localUfrag = StableBytes.copy(local.ufrag)
        random = SplitMix64(seed: tieBreaker ^ 0x1CE_A6E7)
        pairs.reserveCapacity(8)
        events.reserveCapacity(4)
    }

    deinit {
        releasePairs()
        releaseRemoteCredentials()
        localUfrag.deallocate()
    }

    /// The remote address of the selected (nominated) pair.
    public var selectedAddress: PeerAddress? { selected.map { pairs[$0].remote } }

    /// Sets the peer's ufrag and password and starts checks (at the next `handleTimeout`).
    /// Setting the same values again does nothing; different values restart ICE: every pair,
    /// learned address and selection is dropped and the 30 s failure timer starts again.
    public func setRemoteCredentials(_ remote: ICECredentials, now: Instant) {
        guard remote != remoteCredentials else { return }
        if remoteCredentials != nil { releasePairs() }
        releaseRemoteCredentials()
        remoteCredentials = remote
        remoteUfrag = StableBytes.copy(remote.ufrag)
        remotePassword = StableBytes.copy(remote.password)
        outgoingUsername = StableBytes.copy(remote.ufrag + ":" + localCredentials.ufrag)
        state = .checking
        failAt = now.adding(milliseconds: ICETiming.failure)
        nextCheckAt = now
    }

    /// Adds a signalled (trickled) remote candidate; merged into the running checks.
    /// Non-RTP components are ignored (rtcp-mux); a known address only upgrades a
    /// peer-reflexive pair to the signalled type and priority.
    public func addRemoteCandidate(_ candidate: ICECandidate, now: Instant) {
        guard candidate.component == 1 else { return }
        if let index = pairIndex(of: candidate.address) {
            if pairs[index].remoteType == .prflx {
                pairs[index].remoteType = candidate.type
                pairs[index].remotePriority = candidate.priority
                pairs[index].priority = CandidatePair.priority(local: localPriority, remote: candidate.priority, role: role)
            }
            return
        }
        _ = addPair(remote: candidate.address, type: candidate.type, priority: candidate.priority)
    }

    /// True once a check for `address` completed in either direction: an authenticated request
    /// came from it, or it answered one of ours. The bridge accepts DTLS and SRTP only from
    /// verified addresses.
    public func isVerified(_ address: PeerAddress) -> Bool {
        if let selected, pairs[selected].remote == address { return pairs[selected].verified }
        for pair in pairs where pair.remote == address { return pair.verified }
        return false
    }

    /// The next queued event, or nil.
    public func pollEvent() -> ICEEvent? {
        guard eventHead < events.count else { return nil }
        let event = events[eventHead]
        eventHead += 1
        if eventHead == events.count {
            events.removeAll(keepingCapacity: true)
            eventHead = 0
        }
        return event
    }

    func post(_ event: ICEEvent) { events.append(event) }

    // Plain loops rather than `firstIndex(where:)`: unspecialised in debug builds, that one
    // heap-allocates per call, which would hide real regressions in the allocation test.
    func pairIndex(of address: PeerAddress) -> Int? {
        for i in pairs.indices where pairs[i].remote == address { return i }
        return nil
    }

    func pairIndex(of transaction: TransactionID) -> Int? {
        for i in pairs.indices where pairs[i].transaction == transaction { return i }
        return nil
    }

    /// Appends a waiting pair, or returns nil at `maximumPairs`.
    func addPair(remote: PeerAddress, type: ICECandidateType, priority: UInt32) -> Int? {
        guard pairs.count < Self.maximumPairs else { return nil }
        var pair = CandidatePair(remote: remote, type: type, priority: priority)
        pair.priority = CandidatePair.priority(local: localPriority, remote: priority, role: role)
        pairs.append(pair)
        return pairs.count - 1
    }

    /// Forgets every transaction and pair (ICE restart, teardown).
    func releasePairs() {
        for pair in pairs {
            if let transaction = pair.transaction { stun.forget(transaction) }
            pair.request?.deallocate()
        }
        pairs.removeAll(keepingCapacity: true)
        selected = nil
        nextConsentAt = nil
    }

    private func releaseRemoteCredentials() {
        remoteUfrag?.deallocate()
        remotePassword?.deallocate()
        outgoingUsername?.deallocate()
        remoteUfrag = nil
        remotePassword = nil
        outgoingUsername = nil
    }
}

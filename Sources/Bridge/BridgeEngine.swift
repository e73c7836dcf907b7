import CongestionControl
import DTLS
import ICE
public import Primitives
import RTP
import SRTP
import XMLStream

/// The sans-IO bridge: every conference, endpoint and forwarding decision of one media thread.
///
/// The media shell owns exactly one engine and calls it from one thread only: datagrams and
/// timeouts in, datagrams (into a `TransmitQueue`) and events out. Colibri2 requests and
/// bridge-channel traffic reach it through the same thread, so nothing inside takes a lock.
/// After every input the shell drains `pollEvent()` before the next one.
public final class BridgeEngine {
    let configuration: BridgeConfiguration
    let certificate: DTLSCertificate
    /// The candidates every new endpoint's transport advertises; STUN results may replace the
    /// server-reflexive ones (`advertiseDiscoveredAddresses`).
    var localCandidates: [LocalCandidate]
    /// The reachability self-check's bridge-wide state.
    var reachability = ReachabilityMonitor()

    var conferences: [String: Conference] = [:]
    /// Local ufrag → endpoint: routes Binding Requests from addresses not yet known.
    var endpointsByUfrag: [String: Endpoint] = [:]
    /// Which endpoint each remote address belongs to (ICE-verified) or was signalled for.
    var addresses = AddressBindings()
    /// SCTP association → endpoint.
    var endpointsBySCTPTag: [UInt32: Endpoint] = [:]
    var nextSCTPTag: UInt32 = 1
    /// Numbers every named source the engine ever builds (receivers key their state by it).
    var nextSourceKey = 1

    var events: [BridgeEvent] = []
    var eventsHead = 0
    var drops = DropCounters()
    var counters = BridgeStatistics()
    /// Randomness for SSRCs, slots, tie-breakers and report intervals. The system generator holds
    /// no state, so each use gets a fresh one: an inout access to a stored empty struct crashes
    /// ThreadSanitizer's runtime (Swift 6.3: it maps the placeholder address of a zero-sized
    /// property), and the engine's tests must run under it.
    var random: SystemRandomNumberGenerator {
        get { SystemRandomNumberGenerator() }
        set {}
    }
    /// What each media thread sent while fanning packets out (one with a single thread).
    let fanOutShares: [FanOutShare]
    /// Packets whose receivers wait for `settleFanOut` (several media threads only).
    var pendingFanOut: [FanOutItem] = []
    /// Runs `fanOut(lane:transmit:)` for every lane at once, lane 0 on the calling thread into the
    /// queue it is given, and returns when every lane is done: the media shell's threads. It is
    /// told about how many datagrams the fan-out makes (at most one per receiver and packet).
    /// Without one, the lanes take turns on the calling thread.
    public var fanOutRunner: ((TransmitQueue, Int) -> Void)?
    /// The lane each endpoint gets as it connects.
    var laneAssignment: LaneAssignment
    /// The latest `now` any input carried; OpenSSL's retransmit timer is relative to it.
    var lastNow = Instant.zero
    /// Where decrypted DTLS application data (SCTP packets) lands before it is handed upward.
    var applicationDataScratch = [UInt8](repeating: 0, count: 1 << 16)
    /// Where a stream's due NACK numbers land before they are written into the NACK.
    var retransmissionRequestScratch = [UInt16](repeating: 0, count: BridgeEngine.retransmissionRequestBatch)

    /// False during a graceful shutdown: conference creates are refused with `graceful_shutdown`,
    /// while existing conferences keep running and may still add endpoints (as JVB).
    public var acceptsNewConferences = true

    /// Endpoints expire after this long without a valid packet (JVB's entity-expiration timeout).
    static let idleExpiryMilliseconds: Int64 = 60_000

    /// Creates an engine with a fresh DTLS certificate and the configured candidate addresses.
    public init(configuration: BridgeConfiguration) throws {
        self.configuration = configuration
        laneAssignment = LaneAssignment(lanes: configuration.mediaLanes)
        fanOutShares = (0..<configuration.mediaLanes).map { _ in FanOutShare() }
        pendingFanOut.reserveCapacity(64)
        certificate = try DTLSCertificate.generate()
        localCandidates = LocalCandidate.gather(configuration)
        events.reserveCapacity(64)
    }

    /// The local DTLS certificate's sha-256 fingerprint, as signalled in every transport.
    public var localFingerprint: String { certificate.fingerprint.value }

    /// The next event for the shells, or nil when none is pending. Drain after every input.
    public func pollEvent() -> BridgeEvent? {
        guard eventsHead < events.count else {
            if !events.isEmpty { events.removeAll(keepingCapacity: true); eventsHead = 0 }
            return nil
        }
        defer { eventsHead += 1 }
        return events[eventsHead]
    }

    func emit(_ event: BridgeEvent) { events.append(event) }

    /// Whether debug messages are wanted (the shell's logger is at debug level). Off, they are not
    /// even built: some come from the media path (key frames, allocation changes).
    public var logsDebug = false

    func log(_ level: BridgeLogLevel, _ message: @autoclosure () -> String) {
        guard level != .debug || logsDebug else { return }
        events.append(.log(level, message()))
    }

    func drop(_ reason: DropReason, times: UInt64 = 1) { drops.count(reason, times: times) }

    /// Counters and gauges for /metrics, /colibri/stats and presence.
    public func statistics() -> BridgeStatistics {
        var snapshot = counters
        for share in fanOutShares {
            snapshot.packetsSent &+= share.packetsSent
            snapshot.bytesSent &+= share.bytesSent
        }
        snapshot.conferences = conferences.count
        snapshot.endpoints = conferences.values.reduce(0) { $0 + $1.endpoints.count }
        for conference in conferences.values {
            for endpoint in conference.endpoints {
                if endpoint.isConnected { snapshot.endpointsConnected += 1 }
                for stream in endpoint.inboundStreams.values { snapshot.packetCacheBytes += stream.cacheBytes }
            }
        }
        snapshot.drops = drops.byLabel
        snapshot.reachability = reachability.summary
        return snapshot
    }

    /// The soonest instant at which `handleTimeout` has work, or nil if none is pending.
    public func nextDeadline() -> Instant? {
        var deadline: Instant?
        for conference in conferences.values {
            deadline = deadline.earliest(conference.allocationDue ? lastNow : conference.nextAllocationAt)
            deadline = deadline.earliest(conference.speech.nextDecisionAt)
            for endpoint in conference.endpoints { deadline = deadline.earliest(endpoint.timersDueAt) }
        }
        return deadline
    }

    /// Runs every timer that is due at `now` (ICE checks and consent, DTLS retransmits, RTCP
    /// reports, feedback, padding, expiry). Only endpoints whose `timersDueAt` has come are
    /// visited: with hundreds of endpoints, visiting all of them at every call cost the media
    /// thread more than forwarding did.
    public func handleTimeout(now: Instant, transmit: TransmitQueue) {
        settleFanOut(transmit: transmit)
        lastNow = max(lastNow, now)
        var idle: [Endpoint] = []
        for conference in conferences.values {
            if let change = conference.speech.decide(now: now) { announce(change, in: conference) }
            for endpoint in conference.endpoints {
                guard let due = endpoint.timersDueAt, due <= now else { continue }
                runTimers(of: endpoint, in: conference, now: now, transmit: transmit)
                if now.milliseconds(since: endpoint.lastActivity) >= Self.idleExpiryMilliseconds {
                    idle.append(endpoint)
                }
                endpoint.timersDueAt = timersDeadline(of: endpoint)
            }
        }
        for conference in conferences.values where conference.allocationDue || conference.nextAllocationAt <= now {
            allocate(conference, now: now, transmit: transmit)
        }
        for endpoint in idle {
            log(.info, "endpoint \(endpoint.id) of \(endpoint.meetingID) expired after inactivity")
            expire(endpoint)
            if let conference = conferences[endpoint.meetingID], conference.endpoints.isEmpty {
                expire(conference)
            }
        }
    }

    /// One endpoint's timers; each acts only if it is due.
    private func runTimers(of endpoint: Endpoint, in conference: Conference, now: Instant, transmit: TransmitQueue) {
        sendTransportFeedback(endpoint, conference: conference, now: now, transmit: transmit)
        sendREMB(endpoint, conference: conference, now: now, transmit: transmit)
        sendRetransmissionRequests(endpoint, conference: conference, now: now, transmit: transmit)
        sendConnectionStats(endpoint, now: now)
        sendProbePadding(endpoint, now: now, transmit: transmit)
        checkMediaFlowing(endpoint, in: conference, now: now)
        if let verdict = endpoint.reachability.verdict(at: now) { judge(endpoint, verdict) }
        endpoint.ice.handleTimeout(now: now, transmit: transmit)
        drainICEEvents(endpoint, now: now, transmit: transmit)
        if let dtls = endpoint.dtls {
            dtls.handleTimeout(now: now)
            flushDTLS(endpoint, transmit: transmit)
        }
        if endpoint.nextReportAt <= now {
            sendReceiverReports(endpoint, conference: conference, now: now, transmit: transmit)
            endpoint.nextReportAt = now.adding(milliseconds: Int64.random(in: 500...1500, using: &random))
            // About once a second per endpoint: often enough for memory, and off the packet path.
            for stream in endpoint.inboundStreams.values { stream.releaseCacheIfStale(now: now) }
        }
    }

    /// The earliest instant any of `endpoint`'s timers has work, as its state stands: what
    /// `runTimers` acts on, each at the time it would act.
    private func timersDeadline(of endpoint: Endpoint) -> Instant? {
        var deadline = endpoint.ice.nextDeadline()
        if let dtls = endpoint.dtls, dtls.state == .handshaking || dtls.state == .new {
            deadline = deadline.earliest(dtls.nextTimeout(now: lastNow))
        }
        deadline = deadline.earliest(endpoint.nextReportAt)
        if endpoint.media.usesTransportCC { deadline = deadline.earliest(endpoint.transportFeedback.nextFeedbackAt) }
        deadline = deadline.earliest(endpoint.remb?.nextDeadline)
        deadline = deadline.earliest(retransmissionRequestDeadline(of: endpoint))
        deadline = deadline.earliest(endpoint.receiver.padding.nextDeadline)
        if endpoint.receiver.downlink.estimateBps != nil {
            deadline = deadline.earliest(endpoint.receiver.nextConnectionStatsAt ?? lastNow)
        }
        if endpoint.isMediaFlowing, let last = endpoint.lastMediaAt {
            deadline = deadline.earliest(last.adding(milliseconds: Self.mediaInactivityMilliseconds))
        }
        deadline = deadline.earliest(endpoint.lastActivity.adding(milliseconds: Self.idleExpiryMilliseconds))
        return deadline.earliest(endpoint.reachability.deadline)
    }
}

import Primitives

/// One conference: its endpoints, in join order, and the bridge's own feedback SSRCs.
final class Conference {
    /// jicofo's per-conference UUID; the lookup key.
    let meetingID: String
    /// The conference MUC JID, when the focus sent one.
    let name: String?
    /// Sender SSRC of every RTCP packet the bridge originates about audio (signalled as `jvb-a0`).
    let audioFeedbackSSRC: UInt32
    /// Sender SSRC of every RTCP packet the bridge originates about video (signalled as `jvb-v0`).
    let videoFeedbackSSRC: UInt32
    /// Endpoints in join order.
    private(set) var endpoints: [Endpoint] = []
    /// The endpoints again, by the media thread that serves them as receivers (`Endpoint.lane`):
    /// in a fan-out each thread walks its own list only, so threads do not even share the
    /// endpoints' reference counts.
    private(set) var receiversByLane: [[Endpoint]]
    /// Signalled SSRC → the endpoint that sends it; routes keyframe requests and NACKs. Only
    /// signalling fills it: an SSRC seen on the wire proves nothing about who owns it.
    private(set) var ssrcOwners: [UInt32: Endpoint] = [:]
    /// When the conference was created.
    let createdAt: Instant
    /// Dominant speaker and speech order, from the audio levels endpoints send.
    let speech = DominantSpeakerIdentifier()
    /// Something allocation depends on changed (sources, constraints, speakers, a layer started).
    var allocationDue = true
    /// When allocation runs next even if nothing signalled a change: layer bitrates drift.
    var nextAllocationAt: Instant

    init(meetingID: String, name: String?, audioFeedbackSSRC: UInt32, videoFeedbackSSRC: UInt32, lanes: Int = 1, now: Instant) {
        receiversByLane = Array(repeating: [], count: max(1, lanes))
        self.meetingID = meetingID
        self.name = name
        self.audioFeedbackSSRC = audioFeedbackSSRC
        self.videoFeedbackSSRC = videoFeedbackSSRC
        createdAt = now
        nextAllocationAt = now
    }

    /// Endpoints in speech order: recent dominant speakers first, then the others in join order.
    var endpointsInSpeechOrder: [Endpoint] {
        var ordered: [Endpoint] = []
        var seen = Set<ObjectIdentifier>()
        for id in speech.speechOrder {
            guard let endpoint = endpoint(id), seen.insert(ObjectIdentifier(endpoint)).inserted else { continue }
            ordered.append(endpoint)
        }
        for endpoint in endpoints where seen.insert(ObjectIdentifier(endpoint)).inserted { ordered.append(endpoint) }
        return ordered
    }

    /// Every endpoint's timers run at the next timer run: what changed (signalling, an
    /// allocation) may have moved any of them.
    func wakeEndpointTimers() {
        for endpoint in endpoints { endpoint.wakeTimers() }
    }

    func endpoint(_ id: String) -> Endpoint? { endpoints.first { $0.id == id } }

    func add(_ endpoint: Endpoint) {
        endpoints.append(endpoint)
        receiversByLane[endpoint.lane].append(endpoint)
    }

    func remove(_ endpoint: Endpoint) {
        endpoints.removeAll { $0 === endpoint }
        receiversByLane[endpoint.lane].removeAll { $0 === endpoint }
        rebuildSSRCOwners()
    }

    /// Has `lane`'s media thread serve `endpoint` as a receiver from now on.
    func move(_ endpoint: Endpoint, toLane lane: Int) {
        guard lane != endpoint.lane, receiversByLane.indices.contains(lane) else { return }
        receiversByLane[endpoint.lane].removeAll { $0 === endpoint }
        endpoint.lane = lane
        receiversByLane[lane].append(endpoint)
    }

    /// Recomputes the SSRC routing table after an endpoint's sources changed.
    func rebuildSSRCOwners() {
        var owners: [UInt32: Endpoint] = [:]
        for endpoint in endpoints {
            for ssrc in endpoint.sources.kinds.keys where owners[ssrc] == nil { owners[ssrc] = endpoint }
        }
        ssrcOwners = owners
    }

    /// Whether `ssrc` is one a sender or the bridge already uses in this conference (slot SSRCs
    /// must differ from both, or receivers could not tell the streams apart).
    func isSSRCInUse(_ ssrc: UInt32) -> Bool {
        ssrcOwners[ssrc] != nil || ssrc == audioFeedbackSSRC || ssrc == videoFeedbackSSRC
    }

    /// The endpoint other than `endpoint` that already signalled one of `ssrcs`, with that SSRC.
    func conflictingOwner(of ssrcs: some Sequence<UInt32>, besides endpoint: Endpoint) -> (UInt32, Endpoint)? {
        for ssrc in ssrcs {
            if let owner = ssrcOwners[ssrc], owner !== endpoint { return (ssrc, owner) }
        }
        return nil
    }
}

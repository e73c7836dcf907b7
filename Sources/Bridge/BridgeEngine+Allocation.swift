import Colibri
import Primitives

extension BridgeEngine {
    /// How often allocation runs without an event: layers' measured bitrates drift.
    static let allocationIntervalMilliseconds: Int64 = 1000

    /// Re-runs every receiver's allocation in `conference` and tells receivers and senders what
    /// changed: new slot mappings (`VideoSourcesMap`), the forwarded set (`ForwardedSources`), key
    /// frames for new targets, and each sender the highest height anyone wants of its sources
    /// (`SenderSourceConstraints`, so unused layers stop being encoded).
    func allocate(_ conference: Conference, now: Instant, transmit: TransmitQueue) {
        // Receivers still to be served packets get them under the allocation they arrived in.
        settleFanOut(transmit: transmit)
        conference.allocationDue = false
        conference.nextAllocationAt = now.adding(milliseconds: Self.allocationIntervalMilliseconds)
        // A new allocation sets receivers' padding and probes.
        conference.wakeEndpointTimers()
        let ordered = conference.endpointsInSpeechOrder
        let sources = ordered.flatMap { $0.sources.video }.filter(\.isEnabled)
        let layers = Dictionary(sources.map { ($0.key, $0.layers(now: now)) }, uniquingKeysWith: { first, _ in first })
        var wantedHeights: [Int: Int] = [:]
        for endpoint in conference.endpoints where endpoint.media.acceptsVideo {
            let receiver = endpoint.receiver
            let candidates = sources.filter { $0.owner !== endpoint }
            let budget = BandwidthBudget.estimateBps(
                for: endpoint, trustsEstimate: configuration.trustsBandwidthEstimate, now: now)
            let allocation = VideoAllocator.allocate(
                sources: candidates.map { source in
                    let projection = receiver.projection(for: source)
                    return AllocationSource(
                        sourceName: source.name, endpointID: source.ownerID, videoType: source.videoType,
                        layers: layers[source.key] ?? [],
                        forwardedLayer: projection?.targetLayer)
                },
                constraints: receiver.constraints, availableBandwidthBps: budget)
            // The estimate fell below what the receiver is being sent: its queue is overflowing.
            let linkIsOverrun = configuration.trustsBandwidthEstimate
                && receiver.downlink.estimateBps.map { $0 < receiver.allocatedBitrateBps } == true
            receiver.allocatedEstimateBps = receiver.downlink.estimateBps
            receiver.allocatedBitrateBps = allocation.targetBitrateBps
            updateProbing(of: receiver, after: allocation, now: now)
            let outcome = receiver.apply(
                allocation, sources: candidates, linkIsOverrun: linkIsOverrun, random: &random, isSSRCInUse: conference.isSSRCInUse)
            for change in outcome.retargeted {
                log(.debug, "endpoint \(endpoint.id) gets \(change.source) at \(change.to?.summary ?? "nothing"), was "
                    + "\(change.from?.summary ?? "nothing") (budget \(budget / 1000) kbit/s, estimate "
                    + "\(receiver.downlink.estimateBps.map { "\($0 / 1000) kbit/s" } ?? "none"), allocated \(allocation.targetBitrateBps / 1000) kbit/s)")
            }
            if !outcome.newMappings.isEmpty {
                send(.videoSourcesMap(outcome.newMappings.map(Self.mapping)), to: endpoint)
            }
            if let forwarded = outcome.forwardedSources { send(.forwardedSources(forwarded), to: endpoint) }
            requestAwaitedKeyframes(of: endpoint, in: conference, now: now, transmit: transmit)
            for source in candidates where receiver.projection(for: source)?.isForwarded == true {
                wantedHeights[source.key] = max(wantedHeights[source.key] ?? 0, Self.wantedHeight(of: source, by: receiver))
            }
        }
        for source in sources {
            let height = wantedHeights[source.key] ?? 0
            guard source.announcedMaxHeight != height else { continue }
            source.announcedMaxHeight = height
            if let owner = source.owner { send(.senderSourceConstraints(sourceName: source.name, maxHeight: height), to: owner) }
        }
    }

    /// Asks senders for the key frames this receiver's new targets wait for, within the
    /// receiver's throttle.
    func requestAwaitedKeyframes(of endpoint: Endpoint, in conference: Conference, now: Instant, transmit: TransmitQueue) {
        for projection in endpoint.receiver.videoProjections.values {
            // A key frame arriving right now (an encoding's first packet) needs no request.
            guard let encoding = projection.awaitedKeyframeEncoding, encoding.lastKeyframeAt != now,
                projection.keyframes.admit(now: now)
            else { continue }
            requestKeyframe(ssrc: encoding.ssrc, in: conference, now: now, transmit: transmit)
        }
    }

    /// The height a receiver's constraints allow of a source it is forwarded: its limit, or the
    /// source's top encoding for "no limit" (-1).
    private static func wantedHeight(of source: VideoSource, by receiver: Receiver) -> Int {
        let limit = receiver.constraints.maxHeight(for: source.name)
        guard limit < 0 else { return limit }
        return source.encodings.map { source.height(of: $0) }.max() ?? 0
    }

    static func mapping(_ projection: VideoSourceProjection) -> VideoSourceMapping {
        VideoSourceMapping(
            source: projection.source.name, owner: projection.source.ownerID, ssrc: projection.outgoingSSRC,
            rtx: projection.outgoingRTXSSRC ?? 0, videoType: projection.source.videoType.mapName)
    }

    static func mapping(_ projection: AudioSourceProjection) -> AudioSourceMapping {
        AudioSourceMapping(source: projection.source.name, owner: projection.source.ownerID, ssrc: projection.outgoingSSRC)
    }

    /// Sends the `AudioSourcesMap` entry of a slot just assigned.
    func sendAudioMap(of source: AudioSource, to endpoint: Endpoint) {
        guard let projection = endpoint.receiver.audioProjections[source.key] else { return }
        send(.audioSourcesMap([Self.mapping(projection)]), to: endpoint)
    }

    /// Sends a dominant-speaker change to everyone and re-runs allocation (speech order changed).
    func announce(_ change: DominantSpeakerChange, in conference: Conference) {
        counters.dominantSpeakerChanges &+= 1
        conference.allocationDue = true
        let notice = BridgeChannelNotice.dominantSpeakerChanged(
            dominantSpeaker: change.dominantSpeaker, previousSpeakers: change.previousSpeakers, silence: change.silence)
        for endpoint in conference.endpoints { send(notice, to: endpoint) }
    }

    /// An endpoint's RTP arrived: if others were told its media stopped (or never told it flows),
    /// tell them it flows.
    @inline(__always)
    func noteMediaFlowing(_ endpoint: Endpoint, in conference: Conference, now: Instant) {
        endpoint.lastMediaAt = now
        guard !endpoint.isMediaFlowing else { return }
        endpoint.isMediaFlowing = true
        announceConnectivity(of: endpoint, in: conference)
    }

    /// JVB's inactivity limit before an endpoint counts as interrupted.
    static let mediaInactivityMilliseconds: Int64 = 3000

    /// Marks endpoints whose media stopped and tells the others.
    func checkMediaFlowing(_ endpoint: Endpoint, in conference: Conference, now: Instant) {
        guard endpoint.isMediaFlowing, let last = endpoint.lastMediaAt,
            now.milliseconds(since: last) >= Self.mediaInactivityMilliseconds
        else { return }
        endpoint.isMediaFlowing = false
        announceConnectivity(of: endpoint, in: conference)
    }

    private func announceConnectivity(of endpoint: Endpoint, in conference: Conference) {
        let notice = BridgeChannelNotice.endpointConnectivityStatusChanged(endpoint: endpoint.id, active: endpoint.isMediaFlowing)
        for other in conference.endpoints where other !== endpoint { send(notice, to: other) }
    }

    /// Everything a bridge channel that (re)opens must learn at once: `ServerHello`, every
    /// current mapping (a client drops its remote sources when it reconnects), the forwarded set
    /// and the dominant speaker.
    func greet(_ endpoint: Endpoint) {
        sendBridgeChannel(BridgeChannelMessage.serverHello(version: nil), to: endpoint)
        let receiver = endpoint.receiver
        if receiver.rewritesSSRCs {
            let video = receiver.videoMappings
            if !video.isEmpty { send(.videoSourcesMap(video.map(Self.mapping)), to: endpoint) }
            let audio = receiver.audioMappings.map(Self.mapping)
            if !audio.isEmpty { send(.audioSourcesMap(audio), to: endpoint) }
        }
        receiver.forgetAnnouncements()
        // What it was told as a sender is lost with the old channel too.
        for source in endpoint.sources.video { source.announcedMaxHeight = nil }
        endpoint.conference.allocationDue = true
        if let change = endpoint.conference.speech.announcement {
            send(.dominantSpeakerChanged(
                dominantSpeaker: change.dominantSpeaker, previousSpeakers: change.previousSpeakers, silence: change.silence), to: endpoint)
        }
    }

    func send(_ notice: BridgeChannelNotice, to endpoint: Endpoint) { sendBridgeChannel(notice.json, to: endpoint) }
}

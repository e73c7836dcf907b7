import Colibri
import DTLS
import ICE
public import Primitives
public import XMLStream

extension BridgeEngine {
    /// Applies one `<conference-modify xmlns="jitsi:colibri2">` and answers with the
    /// `<conference-modified>` element or an `<error>` element (docs/colibri2.md §2).
    public func handleConferenceModify(_ request: XMLElement, now: Instant, transmit: TransmitQueue) -> ColibriOutcome {
        settleFanOut(transmit: transmit)
        lastNow = now
        do {
            let modify = try ConferenceModify(element: request)
            try modify.validate()
            // Signalling may move any timer of the conference's endpoints (new candidates, sources).
            defer { conferences[modify.meetingID]?.wakeEndpointTimers() }
            let response = try apply(modify, now: now, transmit: transmit)
            return .success(response.element())
        } catch {
            if error.condition == .badRequest { drop(.malformedColibriRequest) }
            return .failure(error: error.element(), httpStatus: error.httpStatus)
        }
    }

    /// The stateful rules of docs/colibri2.md §2.3 (the stateless ones live in `ConferenceModify`).
    private func apply(_ modify: ConferenceModify, now: Instant, transmit: TransmitQueue) throws(Colibri2Error) -> ConferenceModified {
        let conference: Conference
        if modify.create {
            guard acceptsNewConferences else { throw .gracefulShutdown }
            guard conferences[modify.meetingID] == nil else {
                throw .conferenceAlreadyExists(meetingID: modify.meetingID)
            }
            guard conferences.count < configuration.maximumConferences else {
                throw .limitReached("conferences", configuration.maximumConferences)
            }
            conference = Conference(
                meetingID: modify.meetingID, name: modify.name,
                audioFeedbackSSRC: randomSSRC(), videoFeedbackSSRC: randomSSRC(), lanes: configuration.mediaLanes, now: now)
            conferences[modify.meetingID] = conference
            counters.conferencesCreated &+= 1
            log(.info, "conference \(modify.meetingID) created\(modify.name.map { " for \($0)" } ?? "")")
        } else {
            guard let existing = conferences[modify.meetingID] else {
                throw .conferenceNotFound(meetingID: modify.meetingID)
            }
            conference = existing
        }
        if modify.expire {
            expire(conference)
            return ConferenceModified(endpoints: [], sources: nil)
        }

        let skipUnknown = modify.isExpireOrForceMuteOnly
        var answered: [EndpointModified] = []
        var anyCreate = modify.create
        for request in modify.endpoints {
            if request.create { anyCreate = true }
            if let reply = try apply(request, in: conference, skipUnknown: skipUnknown, now: now, transmit: transmit) {
                answered.append(reply)
            }
        }
        if !modify.create && conference.endpoints.isEmpty {
            // JVB expires a conference itself once a request leaves it empty (docs/colibri2.md §2.3).
            log(.info, "conference \(conference.meetingID): all endpoints removed, expiring")
            expire(conference)
        }
        return ConferenceModified(endpoints: answered, sources: anyCreate ? feedbackSources(conference) : nil)
    }

    private func apply(
        _ request: EndpointModify, in conference: Conference, skipUnknown: Bool, now: Instant, transmit: TransmitQueue
    )
        throws(Colibri2Error) -> EndpointModified?
    {
        let endpoint: Endpoint
        if request.create {
            guard conference.endpoint(request.id) == nil else {
                throw .endpointAlreadyExists(request.id)
            }
            if request.transport?.sctp != nil && !configuration.sctpEnabled {
                throw .featureNotImplemented("SCTP is disabled on this bridge")
            }
            guard conference.endpoints.count < configuration.maximumEndpointsPerConference else {
                throw .limitReached("endpoints in a conference", configuration.maximumEndpointsPerConference)
            }
            endpoint = createEndpoint(request, in: conference, now: now)
        } else if let existing = conference.endpoint(request.id) {
            endpoint = existing
        } else if skipUnknown {
            // Expire-only and force-mute-only requests for endpoints that are already gone must
            // succeed: an error would make jicofo move the whole conference (docs/colibri2.md §2.5).
            return EndpointModified(id: request.id, expire: request.expire)
        } else {
            throw .unknownEndpoint(request.id)
        }

        if request.expire {
            expire(endpoint)
            return EndpointModified(id: request.id, expire: true)
        }
        if let statsID = request.statsID { endpoint.statsID = statsID }
        if request.isVisitor { endpoint.isVisitor = true }
        if endpoint.isVisitor, let sources = request.sources, !sources.isEmpty {
            // Visitor status is only signalled on create, so updates are checked here (docs/colibri2.md §2.3).
            throw .badRequest("Visitors cannot have sources")
        }
        for media in request.media { endpoint.media.merge(media) }
        // The receiver's feedback covers the bridge's numbers only if it asked for transport-cc.
        endpoint.receiver.downlink.extensionID = endpoint.media.usesTransportCC ? endpoint.media.transportCCExtensionID : nil
        endpoint.receiver.downlink.absSendTimeExtensionID = endpoint.media.absSendTimeExtensionID
        if endpoint.media.wantsREMB, endpoint.remb == nil { endpoint.remb = RembReporter() }
        if let transport = request.transport?.ice { applyRemoteTransport(transport, to: endpoint, now: now, transmit: transmit) }
        if let sources = request.sources { try replaceSources(of: endpoint, in: conference, with: sources) }
        if let forceMute = request.forceMute {
            endpoint.audioForceMuted = forceMute.audio
            endpoint.videoForceMuted = forceMute.video
        }
        guard request.create else { return EndpointModified(id: request.id) }
        return EndpointModified(
            id: request.id, expire: false, transport: localTransport(for: endpoint),
            sctp: endpoint.sctpTag == nil ? nil : .bridgeServer)
    }

    private func createEndpoint(_ request: EndpointModify, in conference: Conference, now: Instant) -> Endpoint {
        var credentials = ICECredentials.random()
        while endpointsByUfrag[credentials.ufrag] != nil { credentials = ICECredentials.random() }
        var sctpTag: SCTPAssociationTag?
        if request.transport?.sctp != nil {
            sctpTag = SCTPAssociationTag(rawValue: nextSCTPTag)
            nextSCTPTag &+= 1
        }
        // Random, as RFC 8445 §16.1 asks: a fixed one is known to every peer, and two agents that
        // both claim it could never settle a role conflict.
        let agent = ICEAgent(local: credentials, tieBreaker: UInt64.random(in: 0 ... .max, using: &random))
        let endpoint = Endpoint(
            id: request.id, conference: conference, rewritesSSRCs: request.capabilities.contains(Self.ssrcRewritingCapability),
            initialMaxHeight: configuration.initialMaxHeight, ice: agent, sctpTag: sctpTag, now: now)
        conference.add(endpoint)
        endpoint.speakerHandle = conference.speech.register(endpointID: endpoint.id)
        conference.allocationDue = true
        endpointsByUfrag[credentials.ufrag] = endpoint
        if let sctpTag { endpointsBySCTPTag[sctpTag.rawValue] = endpoint }
        log(.info, "endpoint \(request.id) created in \(conference.meetingID)")
        return endpoint
    }

    /// Installs an endpoint's complete source set: bounded, and no SSRC another endpoint of the
    /// conference already signalled (jicofo refuses such conflicts too; this is the last line).
    private func replaceSources(of endpoint: Endpoint, in conference: Conference, with sources: [MediaSourceDescription]) throws(Colibri2Error) {
        var updated = endpoint.sources
        do {
            try updated.replace(with: sources)
        } catch {
            throw .badRequest("Too many SSRCs for endpoint \(endpoint.id) (at most \(EndpointSources.maximumSSRCs))")
        }
        if let (ssrc, owner) = conference.conflictingOwner(of: updated.kinds.keys, besides: endpoint) {
            throw .badRequest("SSRC \(ssrc) is already used by endpoint \(owner.id)")
        }
        endpoint.sources = updated
        endpoint.sources.buildSources(owner: endpoint, nextKey: &nextSourceKey)
        for (ssrc, stream) in endpoint.inboundStreams { linkSources(stream, ssrc: ssrc, of: endpoint) }
        conference.rebuildSSRCOwners()
        conference.allocationDue = true
    }

    /// Points a stream at the named source and encoding its SSRC belongs to now.
    func linkSources(_ stream: InboundStream, ssrc: UInt32, of endpoint: Endpoint) {
        stream.videoSource = endpoint.sources.videoSourcesBySSRC[ssrc]
        stream.encoding = endpoint.sources.encodingsBySSRC[ssrc]
        stream.audioSource = endpoint.sources.audioSourcesBySSRC[ssrc]
    }

    /// The capability jicofo puts on endpoints whose client rewrites SSRCs (docs/colibri2.md §5.5).
    static let ssrcRewritingCapability = "ssrc-rewriting"

    /// Remote ufrag/password start ICE, the fingerprint configures DTLS, candidates are merged.
    private func applyRemoteTransport(
        _ transport: ICEUDPTransportDescription, to endpoint: Endpoint, now: Instant, transmit: TransmitQueue
    ) {
        if let ufrag = transport.ufrag, let password = transport.password {
            endpoint.ice.setRemoteCredentials(ICECredentials(ufrag: ufrag, password: password), now: now)
            endpoint.reachability.remoteSignalled(now: now)
        }
        for candidate in transport.candidates {
            guard candidate.protocol.lowercased() == "udp", candidate.component == 1,
                let address = PeerAddress(host: candidate.ip, port: candidate.port)
            else { continue }
            if let owner = addresses.owner(of: address), owner !== endpoint {
                // Someone else's verified address: checking it would only aim our STUN at them.
                log(.warning, "endpoint \(endpoint.id) of \(endpoint.meetingID) signalled the address of endpoint \(owner.id): ignored")
                drop(.candidateAddressInUse)
                continue
            }
            guard endpoint.signalledAddresses.count < ICEAgent.maximumPairs else { continue }
            let type = ICECandidateType(rawValue: candidate.type) ?? .host
            endpoint.ice.addRemoteCandidate(
                ICECandidate(foundation: candidate.foundation, priority: candidate.priority, address: address, type: type),
                now: now)
            addresses.addCandidate(address, for: endpoint)
        }
        if let fingerprint = transport.fingerprints.first,
            let parsed = DTLSFingerprint(hashFunction: fingerprint.hash, value: fingerprint.value)
        {
            configureDTLS(endpoint, fingerprint: parsed, setup: fingerprint.setup, now: now, transmit: transmit)
        }
    }

    /// The transport an endpoint create is answered with (docs/colibri2.md §2.4 item 2).
    private func localTransport(for endpoint: Endpoint) -> ICEUDPTransportDescription {
        ICEUDPTransportDescription(
            ufrag: endpoint.ice.localCredentials.ufrag,
            password: endpoint.ice.localCredentials.password,
            candidates: localCandidates.map(\.description),
            fingerprints: [FingerprintDescription(hash: "sha-256", setup: "actpass", value: localFingerprint)],
            rtcpMux: true)
    }

    /// The bridge's own sources, which jicofo signals to every client (docs/colibri2.md §2.4 item 3).
    private func feedbackSources(_ conference: Conference) -> [MediaSourceDescription] {
        MediaSourceDescription.feedbackSources(audioSSRC: conference.audioFeedbackSSRC, videoSSRC: conference.videoFeedbackSSRC)
    }

    private func randomSSRC() -> UInt32 { UInt32.random(in: 1 ... .max, using: &random) }

    /// Removes an endpoint from every table and closes its bridge channel.
    func expire(_ endpoint: Endpoint) {
        let conference = endpoint.conference
        conference.remove(endpoint)
        conference.allocationDue = true
        if let handle = endpoint.speakerHandle, let change = conference.speech.endpointRemoved(handle) {
            announce(change, in: conference)
        }
        endpointsByUfrag[endpoint.ice.localCredentials.ufrag] = nil
        addresses.release(endpoint)
        if let tag = endpoint.sctpTag {
            endpointsBySCTPTag[tag.rawValue] = nil
            if endpoint.sctpOpened { emit(.sctpAssociationClosed(tag)) }
        }
        log(.info, "endpoint \(endpoint.id) of \(endpoint.meetingID) expired")
    }

    /// Expires every endpoint, then the conference.
    func expire(_ conference: Conference) {
        for endpoint in conference.endpoints { expire(endpoint) }
        conferences[conference.meetingID] = nil
        counters.conferencesCompleted &+= 1
        log(.info, "conference \(conference.meetingID) expired")
    }
}

import DTLS
public import Primitives
import SRTP

extension BridgeEngine {
    /// Creates the endpoint's DTLS association once the focus signalled the peer's fingerprint.
    /// `active` peers make the bridge the server, `passive` ones the client (docs/colibri2.md §5.7).
    func configureDTLS(_ endpoint: Endpoint, fingerprint: DTLSFingerprint, setup: String?, now: Instant, transmit: TransmitQueue) {
        if let dtls = endpoint.dtls {
            let keyed = endpoint.inboundSRTP != nil
            dtls.setRemoteFingerprint(fingerprint)
            if keyed, case .failed = dtls.state {
                // The certificate that made the keys no longer matches what the focus vouches
                // for: the keys must go with it, and only a new handshake may bring new ones.
                log(.warning, "endpoint \(endpoint.id) of \(endpoint.meetingID): DTLS fingerprint changed after keying; keys dropped")
                resetDTLS(endpoint, role: dtls.role, fingerprint: fingerprint, now: now, transmit: transmit)
                return
            }
            afterDTLSInput(endpoint, now: now, transmit: transmit)
            return
        }
        createDTLS(endpoint, role: setup == "passive" ? .client : .server, fingerprint: fingerprint, now: now, transmit: transmit)
    }

    private func createDTLS(_ endpoint: Endpoint, role: DTLSRole, fingerprint: DTLSFingerprint, now: Instant, transmit: TransmitQueue) {
        do {
            endpoint.dtls = try DTLSEndpoint(certificate: certificate, role: role, remoteFingerprint: fingerprint)
        } catch {
            counters.endpointsDTLSFailed &+= 1
            log(.error, "endpoint \(endpoint.id): cannot create DTLS association: \(error)")
            return
        }
        startDTLSIfReady(endpoint, now: now, transmit: transmit)
    }

    /// Forgets the association, its SRTP keys and the bridge channel riding on it, and waits
    /// for a new handshake (a DTLS client starts one at once).
    private func resetDTLS(_ endpoint: Endpoint, role: DTLSRole, fingerprint: DTLSFingerprint, now: Instant, transmit: TransmitQueue) {
        endpoint.inboundSRTP = nil
        endpoint.outboundSRTP = nil
        endpoint.unsignalledRTCPSenders.removeAll()
        if let tag = endpoint.sctpTag, endpoint.sctpOpened {
            endpoint.sctpOpened = false
            endpoint.isBridgeChannelOpen = false
            emit(.sctpAssociationClosed(tag))
        }
        endpoint.dtls = nil
        endpoint.dtlsFailureCounted = false
        createDTLS(endpoint, role: role, fingerprint: fingerprint, now: now, transmit: transmit)
    }

    /// The DTLS client speaks first, once ICE has selected a pair.
    func startDTLSIfReady(_ endpoint: Endpoint, now: Instant, transmit: TransmitQueue) {
        guard let dtls = endpoint.dtls, endpoint.address != nil, dtls.role == .client, dtls.state == .new else { return }
        dtls.startHandshake(now: now)
        flushDTLS(endpoint, transmit: transmit)
    }

    func handleDTLS(_ bytes: UnsafeRawBufferPointer, endpoint: Endpoint, now: Instant, transmit: TransmitQueue) {
        guard let dtls = endpoint.dtls else { return drop(.dtlsError) }
        do {
            try dtls.handleDatagram(bytes, now: now)
        } catch {
            drop(.dtlsError)
        }
        endpoint.lastActivity = now
        afterDTLSInput(endpoint, now: now, transmit: transmit)
    }

    /// Sends what DTLS produced, installs SRTP keys once verified, and hands SCTP packets upward.
    func afterDTLSInput(_ endpoint: Endpoint, now: Instant, transmit: TransmitQueue) {
        guard let dtls = endpoint.dtls else { return }
        flushDTLS(endpoint, transmit: transmit)
        if case .failed(let error) = dtls.state, endpoint.inboundSRTP == nil, !endpoint.dtlsFailureCounted {
            // Counted once: a failed association never recovers, and the endpoint gets no media.
            endpoint.dtlsFailureCounted = true
            counters.endpointsDTLSFailed &+= 1
            log(.warning, "endpoint \(endpoint.id) of \(endpoint.meetingID): DTLS failed: \(error)")
            return
        }
        if endpoint.inboundSRTP == nil, let keys = dtls.srtpKeys {
            installSRTP(endpoint, keys: keys)
            if let verdict = endpoint.reachability.connected() { judge(endpoint, verdict) }
        }
        if dtls.state == .connected, let tag = endpoint.sctpTag, !endpoint.sctpOpened {
            endpoint.sctpOpened = true
            emit(.sctpAssociationOpened(tag))
        }
        guard let tag = endpoint.sctpTag else { return }
        while true {
            let length = applicationDataScratch.withUnsafeMutableBytes { dtls.readApplicationData(into: $0) }
            guard length > 0 else { break }
            emit(.sctpPacketReceived(tag, Array(applicationDataScratch[0..<length])))
        }
    }

    private func installSRTP(_ endpoint: Endpoint, keys: DTLSSRTPKeys) {
        guard let profile = SRTPProfile(dtlsProtectionProfileID: keys.protectionProfileID) else {
            counters.endpointsDTLSFailed &+= 1
            log(.error, "endpoint \(endpoint.id): unsupported SRTP profile \(keys.protectionProfileID)")
            return
        }
        do {
            let backend = configuration.srtpBackend
            endpoint.inboundSRTP = try SRTPSession(
                profile: profile, masterKeyAndSalt: keys.remoteMasterKeyAndSalt, direction: .inbound, backend: backend)
            let outbound = try SRTPSession(
                profile: profile, masterKeyAndSalt: keys.localMasterKeyAndSalt, direction: .outbound, backend: backend)
            let lane = laneAssignment.next()
            endpoint.outboundSRTP = OutboundSRTP(session: outbound)
            endpoint.conference.move(endpoint, toLane: lane)
            log(.info, "endpoint \(endpoint.id) of \(endpoint.meetingID): DTLS connected, SRTP \(profile) on \(backend.rawValue), lane \(lane)")
        } catch {
            counters.endpointsDTLSFailed &+= 1
            log(.error, "endpoint \(endpoint.id): cannot create SRTP sessions: \(error)")
        }
    }

    /// Queues every datagram DTLS has produced toward the endpoint's selected address.
    func flushDTLS(_ endpoint: Endpoint, transmit: TransmitQueue) {
        guard let dtls = endpoint.dtls, let address = endpoint.address else { return }
        while true {
            var produced = false
            transmit.append(to: address) { slot in
                let length = dtls.pollDatagram(into: slot)
                produced = length > 0
                return length
            }
            guard produced else { break }
            counters.packetsSent &+= 1
        }
    }

    /// Encrypts one SCTP packet the SCTP stack produced for `association` into its DTLS
    /// association and queues it for sending.
    public func sendSCTPPacket(_ packet: [UInt8], association: SCTPAssociationTag, now: Instant, transmit: TransmitQueue) {
        lastNow = now
        guard let endpoint = endpointsBySCTPTag[association.rawValue], let dtls = endpoint.dtls else { return }
        endpoint.wakeTimers()
        do {
            try packet.withUnsafeBytes { try dtls.sendApplicationData($0) }
        } catch {
            return drop(.dtlsError)
        }
        flushDTLS(endpoint, transmit: transmit)
    }
}

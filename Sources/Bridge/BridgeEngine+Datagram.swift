import DTLS
import ICE
public import Primitives
import SRTP

extension BridgeEngine {
    /// Feeds one datagram received on the media port. The buffer may be modified in place
    /// (SRTP is removed where it lies); replies and forwarded packets go into `transmit`. With
    /// several media threads, an RTP packet's receivers may be served only at `settleFanOut`:
    /// the buffer must stay as it is until then.
    ///
    /// Only a valid Binding Request naming a local ufrag can introduce a new address; DTLS and
    /// SRTP are accepted only from addresses an ICE check verified (docs/colibri2.md §5.7).
    public func handleDatagram(
        _ datagram: UnsafeMutableRawBufferPointer,
        from source: PeerAddress,
        now: Instant,
        arrival: Instant? = nil,
        transmit: TransmitQueue
    ) {
        lastNow = now
        counters.packetsReceived &+= 1
        counters.bytesReceived &+= UInt64(datagram.count)
        let bytes = UnsafeRawBufferPointer(datagram)
        let kind = DatagramKind.classify(bytes)
        // Anything but RTP may change what receivers' forwarding reads (an address, keys, a
        // receiver's feedback): the packets waiting for their receivers go out first.
        if kind != .rtp { settleFanOut(transmit: transmit) }
        switch kind {
        case .stun:
            handleSTUN(bytes, from: source, now: now, transmit: transmit)
        case .dtls:
            guard let endpoint = verifiedEndpoint(for: source) else { return drop(.unverifiedSource) }
            endpoint.wakeTimers()
            handleDTLS(bytes, endpoint: endpoint, now: now, transmit: transmit)
        case .rtp:
            guard let endpoint = verifiedEndpoint(for: source) else { return drop(.unverifiedSource) }
            endpoint.wakeTimers()
            handleRTP(datagram, from: endpoint, now: now, arrival: arrival ?? now, transmit: transmit)
        case .rtcp:
            guard let endpoint = verifiedEndpoint(for: source) else { return drop(.unverifiedSource) }
            endpoint.wakeTimers()
            handleRTCP(datagram, from: endpoint, now: now, transmit: transmit)
        case .unknown:
            drop(.unknownDatagramKind)
        }
    }

    /// The endpoint `source` belongs to, if an ICE check verified that address.
    @inline(__always) func verifiedEndpoint(for source: PeerAddress) -> Endpoint? {
        guard let endpoint = addresses.owner(of: source) else { return nil }
        if endpoint.address == source || endpoint.ice.isVerified(source) { return endpoint }
        return nil
    }

    private func handleSTUN(_ bytes: UnsafeRawBufferPointer, from source: PeerAddress, now: Instant, transmit: TransmitQueue) {
        if STUNPeek.isBindingRequest(bytes) {
            handleBindingRequest(bytes, from: source, now: now, transmit: transmit)
        } else {
            handleBindingResponse(bytes, from: source, now: now, transmit: transmit)
        }
    }

    /// A check from the peer names the endpoint itself: USERNAME starts with a local ufrag, and
    /// only that endpoint's agent can verify its MESSAGE-INTEGRITY. The address it comes from
    /// cannot be taken from another endpoint that ICE already verified there.
    private func handleBindingRequest(_ bytes: UnsafeRawBufferPointer, from source: PeerAddress, now: Instant, transmit: TransmitQueue) {
        guard let ufrag = STUNPeek.localUfrag(of: bytes), let endpoint = endpointsByUfrag[ufrag] else {
            return drop(.unknownUfrag)
        }
        if let owner = addresses.owner(of: source), owner !== endpoint { return drop(.addressInUse) }
        endpoint.wakeTimers()
        do {
            try endpoint.ice.handleSTUN(bytes, from: source, now: now, transmit: transmit)
        } catch {
            return drop(Self.dropReason(for: error))
        }
        if endpoint.ice.isVerified(source) { addresses.bind(source, to: endpoint) }
        endpoint.lastActivity = now
        endpoint.reachability.clientHeard()
        drainICEEvents(endpoint, now: now, transmit: transmit)
    }

    /// Responses (and indications) carry no ufrag: they belong to the endpoint that owns the
    /// address, or, before any check verified it, to one that signalled it. Each agent accepts
    /// only responses to its own transactions, signed with its peer's password.
    private func handleBindingResponse(_ bytes: UnsafeRawBufferPointer, from source: PeerAddress, now: Instant, transmit: TransmitQueue) {
        let owner = addresses.owner(of: source)
        var lastError = ICEError.unexpectedResponse
        if let owner {
            owner.wakeTimers()
            do {
                try owner.ice.handleSTUN(bytes, from: source, now: now, transmit: transmit)
                return accepted(owner, source: source, now: now, transmit: transmit)
            } catch {
                lastError = error
            }
        }
        // Indications (keepalives) authenticate nothing, so only an owner may receive them.
        let isIndication = bytes.count >= 2 && bytes[1] & 0x10 != 0 && bytes[0] & 0x01 == 0
        if lastError == .unexpectedResponse, !isIndication {
            for endpoint in addresses.endpointsSignalling(source) where endpoint !== owner {
                endpoint.wakeTimers()
                do {
                    try endpoint.ice.handleSTUN(bytes, from: source, now: now, transmit: transmit)
                    return accepted(endpoint, source: source, now: now, transmit: transmit)
                } catch {
                    lastError = error
                    if error != .unexpectedResponse { break }
                }
            }
        }
        drop(owner == nil && lastError == .unexpectedResponse ? .unverifiedSource : Self.dropReason(for: lastError))
    }

    private func accepted(_ endpoint: Endpoint, source: PeerAddress, now: Instant, transmit: TransmitQueue) {
        if endpoint.ice.isVerified(source) { addresses.bind(source, to: endpoint) }
        endpoint.lastActivity = now
        endpoint.reachability.clientHeard()
        drainICEEvents(endpoint, now: now, transmit: transmit)
    }

    static func dropReason(for error: ICEError) -> DropReason {
        switch error {
        case .unauthorized, .badFingerprint, .roleConflict, .unexpectedResponse: .stunUnauthorized
        default: .malformedSTUN
        }
    }

    /// Applies what the ICE agent decided: a selected address starts DTLS, a lost one stops media.
    func drainICEEvents(_ endpoint: Endpoint, now: Instant, transmit: TransmitQueue) {
        while let event = endpoint.ice.pollEvent() {
            switch event {
            case .connected(let address), .selectedAddressChanged(let address):
                // A nominated pair's response proved the peer is there, so it may displace a
                // stale binding of another endpoint (one whose peer left the same NAT mapping).
                if let previous = addresses.owner(of: address), previous !== endpoint {
                    log(.warning, "address of endpoint \(previous.id) now answers for endpoint \(endpoint.id) of \(endpoint.meetingID)")
                }
                addresses.bind(address, to: endpoint, displacing: true)
                let first = endpoint.address == nil
                endpoint.address = address
                if first {
                    log(.info, "endpoint \(endpoint.id) of \(endpoint.meetingID): ICE connected")
                    startDTLSIfReady(endpoint, now: now, transmit: transmit)
                }
            case .consentLost, .failed:
                if !endpoint.iceFailureCounted {
                    endpoint.iceFailureCounted = true
                    counters.endpointsICEFailed &+= 1
                }
                log(.warning, "endpoint \(endpoint.id) of \(endpoint.meetingID): ICE \(event == .failed ? "failed" : "consent lost")")
                endpoint.address = nil
                // A peer that vanished without a word (its process killed) sends nothing more,
                // so its packet caches only hold memory until expiry; they refill if it returns.
                for stream in endpoint.inboundStreams.values { stream.releaseCache() }
            }
        }
    }
}

import DTLS
import ICE
public import Primitives
import SRTP

extension BridgeEngine {
    /// Feeds one datagram received on the media port. The buffer may be modified in place
    /// (SRTP is removed where it lies); replies and forwarded packets go into `transmit`.
    ///
    /// Only a valid Binding Request naming a local ufrag can introduce a new address; DTLS and
    /// SRTP are accepted only from addresses an ICE check verified (docs/colibri2.md §5.7).
    public func handleDatagram(
        _ datagram: UnsafeMutableRawBufferPointer,
        from source: PeerAddress,
        now: Instant,
        transmit: TransmitQueue
    ) {
        lastNow = now
        counters.packetsReceived &+= 1
        counters.bytesReceived &+= UInt64(datagram.count)
        let bytes = UnsafeRawBufferPointer(datagram)
        switch DatagramKind.classify(bytes) {
        case .stun:
            handleSTUN(bytes, from: source, now: now, transmit: transmit)
        case .dtls:
            guard let endpoint = verifiedEndpoint(for: source) else { return drop(.unverifiedSource) }
            handleDTLS(bytes, endpoint: endpoint, now: now, transmit: transmit)
        case .rtp:
            guard let endpoint = verifiedEndpoint(for: source) else { return drop(.unverifiedSource) }
            handleRTP(datagram, from: endpoint, now: now, transmit: transmit)
        case .rtcp:
            guard let endpoint = verifiedEndpoint(for: source) else { return drop(.unverifiedSource) }
            handleRTCP(datagram, from: endpoint, now: now, transmit: transmit)
        case .unknown:
            drop(.unknownDatagramKind)
        }
    }

    /// The endpoint `source` belongs to, if an ICE check verified that address.
    @inline(__always) func verifiedEndpoint(for source: PeerAddress) -> Endpoint? {
        guard let endpoint = endpointsByAddress[source] else { return nil }
        if endpoint.address == source || endpoint.ice.isVerified(source) { return endpoint }
        return nil
    }

    private func handleSTUN(_ bytes: UnsafeRawBufferPointer, from source: PeerAddress, now: Instant, transmit: TransmitQueue) {
        let endpoint: Endpoint
        if let known = endpointsByAddress[source] {
            endpoint = known
        } else {
            // An unknown address must introduce itself with a request naming one of our ufrags.
            guard STUNPeek.isBindingRequest(bytes), let ufrag = STUNPeek.localUfrag(of: bytes) else {
                return drop(.unknownUfrag)
            }
            guard let named = endpointsByUfrag[ufrag] else { return drop(.unknownUfrag) }
            endpoint = named
        }
        do {
            try endpoint.ice.handleSTUN(bytes, from: source, now: now, transmit: transmit)
        } catch {
            switch error {
            case .unauthorized, .badFingerprint, .roleConflict: drop(.stunUnauthorized)
            default: drop(.malformedSTUN)
            }
            return
        }
        if endpointsByAddress[source] == nil, endpoint.ice.isVerified(source) || STUNPeek.isBindingRequest(bytes) {
            // A request that authenticated makes the address known (peer-reflexive); media
            // from it is still refused until a check verifies it.
            register(source, for: endpoint)
        }
        endpoint.lastActivity = now
        drainICEEvents(endpoint, now: now, transmit: transmit)
    }

    /// Makes `address` route to `endpoint`.
    func register(_ address: PeerAddress, for endpoint: Endpoint) {
        endpointsByAddress[address] = endpoint
        endpoint.knownAddresses.insert(address)
    }

    /// Applies what the ICE agent decided: a selected address starts DTLS, a lost one stops media.
    func drainICEEvents(_ endpoint: Endpoint, now: Instant, transmit: TransmitQueue) {
        while let event = endpoint.ice.pollEvent() {
            switch event {
            case .connected(let address), .selectedAddressChanged(let address):
                let first = endpoint.address == nil
                endpoint.address = address
                register(address, for: endpoint)
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
            }
        }
    }
}

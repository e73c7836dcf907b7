import Primitives

/// Which endpoint each remote address belongs to, and who may claim one.
///
/// All endpoints share one UDP port, so the source address is the only thing that tells whose a
/// DTLS or SRTP datagram is. An address is bound to an endpoint only by ICE: an authenticated
/// check from it, or a response to our check that the endpoint's credentials verified. Signalled
/// candidates are never bound: jicofo relays whatever a client writes, so a participant could
/// otherwise name another participant's address and divert its traffic. They are kept apart,
/// only to route the answers to our checks before the address is verified.
struct AddressBindings {
    /// Verified address → the endpoint it belongs to.
    private(set) var owners: [PeerAddress: Endpoint] = [:]
    /// Signalled, not yet verified, address → the endpoints that signalled it (usually one).
    private var candidates: [PeerAddress: [Endpoint]] = [:]

    /// The endpoint an ICE check verified `address` for, if any.
    @inline(__always) func owner(of address: PeerAddress) -> Endpoint? { owners[address] }

    /// The endpoints that signalled `address` as a candidate.
    func endpointsSignalling(_ address: PeerAddress) -> [Endpoint] { candidates[address] ?? [] }

    /// Binds `address` to `endpoint` unless another endpoint holds it; returns whether it is
    /// now `endpoint`'s. `displacing` lets a nominated pair take the address over: a response
    /// from it proved that the endpoint's own peer is there now (a NAT reused the mapping of a
    /// peer that has gone), and ICE cannot be answered by anyone else.
    @discardableResult
    mutating func bind(_ address: PeerAddress, to endpoint: Endpoint, displacing: Bool = false) -> Bool {
        if let owner = owners[address] {
            if owner === endpoint { return true }
            guard displacing else { return false }
            owner.knownAddresses.remove(address)
            if owner.address == address { owner.address = nil }
        }
        owners[address] = endpoint
        endpoint.knownAddresses.insert(address)
        return true
    }

    /// Remembers that `endpoint` signalled `address`, so responses from it reach its agent.
    mutating func addCandidate(_ address: PeerAddress, for endpoint: Endpoint) {
        guard !endpoint.signalledAddresses.contains(address) else { return }
        endpoint.signalledAddresses.insert(address)
        candidates[address, default: []].append(endpoint)
    }

    /// Forgets every address of `endpoint` (it expired).
    mutating func release(_ endpoint: Endpoint) {
        for address in endpoint.knownAddresses where owners[address] === endpoint {
            owners[address] = nil
        }
        for address in endpoint.signalledAddresses {
            candidates[address]?.removeAll { $0 === endpoint }
            if candidates[address]?.isEmpty == true { candidates[address] = nil }
        }
        endpoint.knownAddresses.removeAll()
        endpoint.signalledAddresses.removeAll()
    }
}

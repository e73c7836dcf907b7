import Colibri
public import Primitives

extension BridgeEngine {
    /// Records an endpoint's verdict and tells the operator when the bridge as a whole becomes
    /// unreachable or reachable again (a warning they can grep for, once per change).
    func judge(_ endpoint: Endpoint, _ verdict: ReachabilityVerdict) {
        let name = "\(endpoint.id) of \(endpoint.meetingID)"
        switch reachability.record(verdict, endpoint: name, addresses: advertisedMediaAddresses) {
        case .becameUnreachable(let detail)?:
            log(.warning, "media unreachable: \(detail)")
        case .becameReachable?:
            log(.info, "media reachable again: endpoint \(name) connected")
        case nil:
            break
        }
    }

    /// "UDP port 10000 at 198.51.100.7, 10.0.0.5": what clients are told to send media to.
    var advertisedMediaAddresses: String {
        let hosts = localCandidates.map(\.description.ip)
        let ports = Set(localCandidates.map(\.description.port)).sorted()
        let port = ports.count == 1 ? "UDP port \(ports[0])" : "UDP ports \(ports.map(String.init).joined(separator: ", "))"
        return hosts.isEmpty ? "the media port (no address is advertised)" : "\(port) at \(hosts.joined(separator: ", "))"
    }

    /// Advertises addresses a STUN server saw the media socket's packets come from, as
    /// server-reflexive candidates of every endpoint created from now on. Static mappings
    /// (`JVB_ADVERTISE_IPS`) win: with those configured, this does nothing and returns false.
    /// Addresses that are host candidates already (no NAT in between) add nothing.
    @discardableResult
    public func advertiseDiscoveredAddresses(_ discovered: [PeerAddress]) -> Bool {
        guard configuration.advertisedAddresses.isEmpty else { return false }
        var effective = configuration
        effective.advertisedAddresses = discovered.filter { !configuration.hostAddresses.contains($0) }
        localCandidates = LocalCandidate.gather(effective)
        return true
    }
}

import Primitives

/// Warnings about the addresses the bridge advertises, for the log at start and after each
/// STUN answer: the usual reason "two people can talk, the third has no media" is an address
/// clients cannot reach, and nothing else would tell the operator.
enum AdvertisedAddressCheck {
    /// What can be said before any STUN answer: documentation addresses copied from an example,
    /// a static mapping nothing confirms, or no public address at all.
    static func atStart(advertised: [PeerAddress], hostAddresses: [PeerAddress], stunConfigured: Bool) -> [String] {
        var warnings: [String] = []
        for address in advertised where address.isDocumentation {
            warnings.append("JVB_ADVERTISE_IPS contains \(address.host), a documentation address (RFC 5737/3849) "
                + "that no client can reach: set this host's public address, or leave it empty to use STUN")
        }
        let unconfirmed = advertised.filter { !$0.isDocumentation && !isOwn($0, hostAddresses) }
        if !unconfirmed.isEmpty, !stunConfigured {
            warnings.append("advertised \(hosts(unconfirmed)) is not an address of this host and no STUN server "
                + "(JVB_STUN_SERVERS) is configured to confirm it: if clients do not reach this host there, "
                + "calls of three or more have no media")
        }
        if advertised.isEmpty, !stunConfigured, !hostAddresses.isEmpty, hostAddresses.allSatisfy(\.isPrivate) {
            warnings.append("only private addresses (\(hosts(hostAddresses))) are advertised: clients outside this "
                + "network cannot reach the media port; set JVB_ADVERTISE_IPS or JVB_STUN_SERVERS")
        }
        return warnings
    }

    /// Static mappings that a STUN answer contradicts (compared by IP: a NAT may move the port).
    static func afterDiscovery(advertised: [PeerAddress], hostAddresses: [PeerAddress], discovered: [PeerAddress]) -> [String] {
        guard !discovered.isEmpty else { return [] }
        let seen = Set(discovered.map(\.host))
        let contradicted = advertised.filter { !$0.isPrivate && !isOwn($0, hostAddresses) && !seen.contains($0.host) }
        guard !contradicted.isEmpty else { return [] }
        return ["advertised \(hosts(contradicted)) is not the address STUN servers see this host at "
            + "(\(hosts(discovered))): clients may not reach the media port; check JVB_ADVERTISE_IPS"]
    }

    private static func isOwn(_ address: PeerAddress, _ hostAddresses: [PeerAddress]) -> Bool {
        hostAddresses.contains { $0.host == address.host }
    }

    private static func hosts(_ addresses: [PeerAddress]) -> String {
        addresses.map(\.host).joined(separator: ", ")
    }
}

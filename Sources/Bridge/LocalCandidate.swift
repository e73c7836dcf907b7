import Colibri
import Primitives

/// One candidate the bridge advertises in every endpoint's transport: a host candidate per
/// bound address and a server-reflexive one per static NAT mapping (`JVB_ADVERTISE_IPS`),
/// all on the single media port.
struct LocalCandidate {
    var description: CandidateDescription

    /// RFC 8445 §5.1.2.1 priority: type preference, local preference, component 1.
    static func priority(typePreference: UInt32, localPreference: UInt32) -> UInt32 {
        (typePreference << 24) | (localPreference << 8) | (256 - 1)
    }

    static func gather(_ configuration: BridgeConfiguration) -> [LocalCandidate] {
        var result: [LocalCandidate] = []
        let hosts = configuration.hostAddresses.filter { configuration.advertisePrivateCandidates || !$0.isPrivate }
        for (index, address) in hosts.enumerated() {
            result.append(LocalCandidate(description: CandidateDescription(
                foundation: "1", id: "h\(index)", ip: address.host, port: address.port,
                priority: priority(typePreference: 126, localPreference: UInt32(65535 - index)), type: "host")))
        }
        let related = configuration.hostAddresses.first
        for (index, address) in configuration.advertisedAddresses.enumerated() {
            // A private related address is hidden the way JVB hides it (docs/colibri2.md §2.4).
            let hideRelated = related.map { $0.isPrivate && !configuration.advertisePrivateCandidates } ?? true
            result.append(LocalCandidate(description: CandidateDescription(
                foundation: "2", id: "s\(index)", ip: address.host, port: address.port,
                priority: priority(typePreference: 100, localPreference: UInt32(65535 - index)), type: "srflx",
                relAddr: hideRelated ? "0.0.0.0" : related?.host, relPort: hideRelated ? 9 : related?.port)))
        }
        return result
    }
}

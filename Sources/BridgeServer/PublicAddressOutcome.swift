import ICE
import Primitives

/// What one STUN round says, read for advertising and for the log.
struct PublicAddressOutcome: Equatable {
    /// Each distinct mapped IP with the media port, in the order the servers were asked.
    var publicAddresses: [PeerAddress] = []
    /// "198.18.0.2:3478 saw 198.18.0.1:10000, 192.0.2.9:3478 timed out".
    var summary = ""
    /// What the answers imply beyond the address (a NAT that moves ports).
    var notes: [String] = []

    init(replies: [(server: PeerAddress, reply: PublicAddressProbe.Reply?)], mediaPort: UInt16) {
        var parts: [String] = []
        var mappedPorts: Set<UInt16> = []
        for (server, reply) in replies {
            switch reply {
            case .mapped(let mapped)?:
                parts.append("\(server) saw \(mapped)")
                mappedPorts.insert(mapped.port)
                let address = mapped.with(port: mediaPort)
                if !publicAddresses.contains(address) { publicAddresses.append(address) }
            case .refused?:
                parts.append("\(server) refused")
            case .timedOut?, nil:
                parts.append("\(server) timed out")
            }
        }
        summary = parts.joined(separator: ", ")
        if mappedPorts.count > 1 {
            notes.append("STUN servers saw the bridge from different ports (\(mappedPorts.sorted().map(String.init).joined(separator: ", "))): "
                + "the NAT maps per destination, so clients reach UDP port \(mediaPort) only if it is forwarded to this host")
        }
    }
}

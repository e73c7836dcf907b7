#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import Primitives

extension ServerAddress {
    /// The UDP addresses the name resolves to, of `family` only, without duplicates. Blocks in
    /// getaddrinfo(3): call it off the event loops.
    func resolveUDP(family: PeerAddress.Family) -> [PeerAddress] {
        guard let port = UInt16(exactly: port) else { return [] }
        if let literal = PeerAddress(host: host, port: port) { return literal.family == family ? [literal] : [] }
        var hints = addrinfo()
        hints.ai_family = family == .ipv4 ? AF_INET : AF_INET6
        hints.ai_socktype = Int32(SOCK_DGRAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, String(port), &hints, &list) == 0, let first = list else { return [] }
        defer { freeaddrinfo(list) }
        var result: [PeerAddress] = []
        var cursor: UnsafeMutablePointer<addrinfo>? = first
        while let entry = cursor {
            defer { cursor = entry.pointee.ai_next }
            guard let socketAddress = entry.pointee.ai_addr,
                let address = HostAddressDiscovery.peerAddress(socketAddress)?.with(port: port),
                !result.contains(address)
            else { continue }
            result.append(address)
        }
        return result
    }
}

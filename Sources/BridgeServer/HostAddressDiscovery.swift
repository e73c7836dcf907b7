#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
public import Primitives

/// Chooses the host candidate addresses the engine advertises for the media socket.
public enum HostAddressDiscovery {
    /// A specific bind address is the only candidate; a wildcard bind (0.0.0.0 or ::) uses every
    /// non-loopback, non-link-local interface address of the families the socket accepts (an
    /// IPv6 wildcard is dual-stack). Loopback appears only when bound to loopback itself, the
    /// way ice4j leaves it out by default. Every result carries `bound`'s port.
    public static func hostAddresses(bound: PeerAddress, interfaces: [PeerAddress]) -> [PeerAddress] {
        guard bound.isWildcard else { return [bound] }
        var result: [PeerAddress] = []
        for address in interfaces where !address.isLoopback && !address.isLinkLocal && !address.isWildcard {
            guard bound.family == .ipv6 || address.family == .ipv4 else { continue }
            let candidate = address.with(port: bound.port)
            if !result.contains(candidate) { result.append(candidate) }
        }
        return result
    }

    /// The machine's interface addresses (up interfaces only), from getifaddrs(3).
    public static func interfaceAddresses() -> [PeerAddress] {
        var list: UnsafeMutablePointer<ifaddrs>?
        guard getifaddrs(&list) == 0, let first = list else { return [] }
        defer { freeifaddrs(list) }
        var result: [PeerAddress] = []
        var cursor: UnsafeMutablePointer<ifaddrs>? = first
        while let entry = cursor {
            defer { cursor = entry.pointee.ifa_next }
            guard entry.pointee.ifa_flags & UInt32(IFF_UP) != 0, let socketAddress = entry.pointee.ifa_addr else { continue }
            if let address = peerAddress(socketAddress) { result.append(address) }
        }
        return result
    }

    /// An IPv4 or IPv6 socket address as a `PeerAddress` with port 0; nil for other families.
    static func peerAddress(_ socketAddress: UnsafeMutablePointer<sockaddr>) -> PeerAddress? {
        switch Int32(socketAddress.pointee.sa_family) {
        case AF_INET:
            let v4 = UnsafeRawPointer(socketAddress).loadUnaligned(as: sockaddr_in.self)
            return PeerAddress(ipv4: UInt32(bigEndian: v4.sin_addr.s_addr), port: 0)
        case AF_INET6:
            let v6 = UnsafeRawPointer(socketAddress).loadUnaligned(as: sockaddr_in6.self)
            var bytes = v6.sin6_addr
            let (high, low) = withUnsafeBytes(of: &bytes) { raw in
                (raw.loadUnaligned(fromByteOffset: 0, as: UInt64.self).bigEndian,
                 raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self).bigEndian)
            }
            return PeerAddress(ipv6: (high, low), port: 0)
        default:
            return nil
        }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A UDP transport address (IPv4 or IPv6 plus port) as a plain value.
///
/// NIO's `SocketAddress` boxes the address and a formatted host string on the heap; this is a
/// POD that hashes and compares without allocating, so it can key per-packet lookups.
public struct PeerAddress: Hashable, Sendable, CustomStringConvertible {
    /// Address family.
    public enum Family: UInt8, Sendable { case ipv4 = 4, ipv6 = 6 }

    /// Address family.
    public var family: Family
    /// The first 8 address bytes in network order (IPv4 uses the first 4 bytes only).
    public var high: UInt64
    /// The last 8 address bytes in network order (zero for IPv4).
    public var low: UInt64
    /// Port in host order.
    public var port: UInt16

    /// An IPv4 address from its four bytes in network order, packed big-endian in `address`.
    public init(ipv4 address: UInt32, port: UInt16) {
        family = .ipv4
        high = UInt64(address) << 32
        low = 0
        self.port = port
    }

    /// An IPv6 address from its 16 bytes in network order.
    public init(ipv6 bytes: (UInt64, UInt64), port: UInt16) {
        family = .ipv6
        high = bytes.0
        low = bytes.1
        self.port = port
    }

    /// Parses a numeric IPv4 or IPv6 host (no names are resolved).
    public init?(host: String, port: UInt16) {
        var v4 = in_addr()
        if inet_pton(AF_INET, host, &v4) == 1 {
            self.init(ipv4: UInt32(bigEndian: v4.s_addr), port: port)
            return
        }
        var v6 = in6_addr()
        var text = host
        if text.hasPrefix("[") && text.hasSuffix("]") { text = String(text.dropFirst().dropLast()) }
        guard inet_pton(AF_INET6, text, &v6) == 1 else { return nil }
        let bytes = withUnsafeBytes(of: &v6) { Array($0) }
        var h: UInt64 = 0
        var l: UInt64 = 0
        for i in 0..<8 { h = h << 8 | UInt64(bytes[i]) }
        for i in 8..<16 { l = l << 8 | UInt64(bytes[i]) }
        self.init(ipv6: (h, l), port: port)
    }

    /// The IPv4 address packed big-endian (meaningful only for `.ipv4`).
    @inlinable public var ipv4: UInt32 { UInt32(truncatingIfNeeded: high >> 32) }

    /// The 16 (IPv6) or 4 (IPv4) address bytes in network order.
    public var addressBytes: [UInt8] {
        switch family {
        case .ipv4: return (0..<4).map { UInt8(truncatingIfNeeded: ipv4 >> (24 - 8 * $0)) }
        case .ipv6:
            return (0..<8).map { UInt8(truncatingIfNeeded: high >> (56 - 8 * UInt64($0))) }
                + (0..<8).map { UInt8(truncatingIfNeeded: low >> (56 - 8 * UInt64($0))) }
        }
    }

    /// The numeric host, without the port (IPv6 without brackets).
    public var host: String {
        let bytes = addressBytes
        switch family {
        case .ipv4:
            return bytes.map { String($0) }.joined(separator: ".")
        case .ipv6:
            var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN) + 1)
            var raw = in6_addr()
            withUnsafeMutableBytes(of: &raw) { dst in for i in 0..<16 { dst[i] = bytes[i] } }
            _ = inet_ntop(AF_INET6, &raw, &buffer, socklen_t(buffer.count))
            return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }
    }

    /// True for 127.0.0.0/8 and ::1.
    public var isLoopback: Bool {
        family == .ipv4 ? (ipv4 >> 24) == 127 : (high == 0 && low == 1)
    }

    /// True for RFC 1918, RFC 6598 shared space, link-local and IPv6 ULA/link-local addresses.
    public var isPrivate: Bool {
        switch family {
        case .ipv4:
            let a = ipv4 >> 24, b = (ipv4 >> 16) & 0xFF
            return a == 10 || (a == 172 && (16...31).contains(b)) || (a == 192 && b == 168)
                || (a == 100 && (64...127).contains(b)) || (a == 169 && b == 254)
        case .ipv6:
            let top = high >> 48
            return (top & 0xFE00) == 0xFC00 || (top & 0xFFC0) == 0xFE80
        }
    }

    /// True for the ranges reserved for documentation and examples, which no client can reach:
    /// 192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24 (RFC 5737) and 2001:db8::/32 (RFC 3849).
    public var isDocumentation: Bool {
        switch family {
        case .ipv4: return [0xC0_00_02, 0xC6_33_64, 0xCB_00_71].contains(ipv4 >> 8)
        case .ipv6: return high >> 32 == 0x2001_0DB8
        }
    }

    public var description: String {
        family == .ipv4 ? "\(host):\(port)" : "[\(host)]:\(port)"
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import Primitives

// libnice's STUN usages take and return `struct sockaddr_storage`; these convert on the stack.
extension PeerAddress {
    /// The address as a `sockaddr_in`/`sockaddr_in6` in `storage`; returns the length used.
    func write(to storage: inout sockaddr_storage) -> socklen_t {
        storage = sockaddr_storage()
        return withUnsafeMutableBytes(of: &storage) { raw -> socklen_t in
            switch family {
            case .ipv4:
                var v4 = sockaddr_in()
                v4.sin_family = sa_family_t(AF_INET)
                v4.sin_port = port.bigEndian
                v4.sin_addr.s_addr = ipv4.bigEndian
                raw.storeBytes(of: v4, as: sockaddr_in.self)
                return socklen_t(MemoryLayout<sockaddr_in>.size)
            case .ipv6:
                var v6 = sockaddr_in6()
                v6.sin6_family = sa_family_t(AF_INET6)
                v6.sin6_port = port.bigEndian
                withUnsafeMutableBytes(of: &v6.sin6_addr) { address in
                    address.storeBytes(of: high.bigEndian, toByteOffset: 0, as: UInt64.self)
                    address.storeBytes(of: low.bigEndian, toByteOffset: 8, as: UInt64.self)
                }
                raw.storeBytes(of: v6, as: sockaddr_in6.self)
                return socklen_t(MemoryLayout<sockaddr_in6>.size)
            }
        }
    }

    /// The address in a `sockaddr_storage` libnice filled, or nil for another family.
    init?(_ storage: sockaddr_storage) {
        var copy = storage
        let parsed: PeerAddress? = withUnsafeBytes(of: &copy) { raw in
            switch Int32(storage.ss_family) {
            case AF_INET:
                let v4 = raw.loadUnaligned(as: sockaddr_in.self)
                return PeerAddress(ipv4: UInt32(bigEndian: v4.sin_addr.s_addr), port: UInt16(bigEndian: v4.sin_port))
            case AF_INET6:
                let v6 = raw.loadUnaligned(as: sockaddr_in6.self)
                let words = withUnsafeBytes(of: v6.sin6_addr) {
                    (UInt64(bigEndian: $0.loadUnaligned(as: UInt64.self)),
                     UInt64(bigEndian: $0.loadUnaligned(fromByteOffset: 8, as: UInt64.self)))
                }
                return PeerAddress(ipv6: words, port: UInt16(bigEndian: v6.sin6_port))
            default:
                return nil
            }
        }
        guard let parsed else { return nil }
        self = parsed
    }
}

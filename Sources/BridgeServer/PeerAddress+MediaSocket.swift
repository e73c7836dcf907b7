import CMediaSocket
import Primitives

// `ms_addr` mirrors PeerAddress field for field, so converting is a few register moves: the
// receive path builds one per datagram and must not allocate.
extension PeerAddress {
    init?(_ address: ms_addr) {
        switch address.family {
        case 4: self.init(ipv4: UInt32(truncatingIfNeeded: address.high >> 32), port: address.port)
        case 6: self.init(ipv6: (address.high, address.low), port: address.port)
        default: return nil
        }
    }

    var mediaSocketAddress: ms_addr {
        ms_addr(high: high, low: low, port: port, family: family.rawValue)
    }

    /// True for 0.0.0.0 and ::.
    var isWildcard: Bool { high == 0 && low == 0 }

    /// True for 169.254.0.0/16 and fe80::/10, which ICE never advertises.
    var isLinkLocal: Bool {
        switch family {
        case .ipv4: return ipv4 >> 16 == 0xA9FE
        case .ipv6: return (high >> 48) & 0xFFC0 == 0xFE80
        }
    }

    /// This address with another port.
    func with(port: UInt16) -> PeerAddress {
        var copy = self
        copy.port = port
        return copy
    }
}

public import Primitives

/// JVB_ADVERTISE_IPS: a comma list of `ip` or `ip#port` entries, the public side of static NAT
/// mappings (docker-jitsi-meet turns each into an ice4j static mapping).
public enum AdvertisedAddressList {
    /// Parses the list. Entries without a port get `defaultPort`; blanks are skipped. Names are
    /// not resolved: JVB's template also expects numeric addresses here.
    public static func parse(_ text: String, defaultPort: UInt16) throws(ConfigurationError) -> [PeerAddress] {
        var addresses: [PeerAddress] = []
        for rawEntry in text.split(separator: ",") {
            let entry = rawEntry.filter { !$0.isWhitespace }
            guard !entry.isEmpty else { continue }
            var host = Substring(entry)
            var port = defaultPort
            // Split on the last '#': IPv6 addresses contain ':' but never '#'.
            if let hash = entry.lastIndex(of: "#") {
                host = entry[..<hash]
                guard let value = UInt16(entry[entry.index(after: hash)...]), value > 0 else {
                    throw ConfigurationError("bad port in advertised address '\(entry)'")
                }
                port = value
            }
            guard let address = PeerAddress(host: String(host), port: port) else {
                throw ConfigurationError("advertised address '\(entry)' is not a numeric IPv4/IPv6 address")
            }
            addresses.append(address)
        }
        return addresses
    }
}

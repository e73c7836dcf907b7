/// A server the bridge connects to by name: an `XMPP_SERVER` or a `JVB_STUN_SERVERS` entry.
public struct ServerAddress: Sendable, Equatable, CustomStringConvertible {
    /// Host name or address.
    public var host: String
    public var port: Int

    /// Creates an entry.
    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// `host:port` (IPv6 in brackets).
    public var description: String { (host.contains(":") ? "[\(host)]" : host) + ":\(port)" }

    /// True for hosts jicoco treats as local: STARTTLS becomes "if possible" there.
    public var isLoopback: Bool { ["localhost", "::1"].contains(host) || host.hasPrefix("127.") }

    /// Parses a comma-separated list of `host`, `host:port` or `[v6]:port`; `role` names the
    /// setting in errors ("XMPP server"). An empty list is the caller's to judge.
    public static func parseList(_ text: String, defaultPort: Int, role: String) throws(ConfigurationError) -> [ServerAddress] {
        var result: [ServerAddress] = []
        for raw in text.split(separator: ",") {
            let entry = raw.filter { !$0.isWhitespace }
            guard !entry.isEmpty else { continue }
            var host = Substring(entry)
            var portText: Substring?
            if entry.hasPrefix("["), let close = entry.firstIndex(of: "]") {
                host = entry[entry.index(after: entry.startIndex)..<close]
                let rest = entry[entry.index(after: close)...]
                if rest.hasPrefix(":") { portText = rest.dropFirst() } else if !rest.isEmpty { host = "" }
            } else if entry.filter({ $0 == ":" }).count == 1, let colon = entry.firstIndex(of: ":") {
                host = entry[..<colon]
                portText = entry[entry.index(after: colon)...]
            }
            var port = defaultPort
            if let portText {
                guard let value = Int(portText), (1...65535).contains(value) else {
                    throw ConfigurationError("bad port in \(role) '\(entry)'")
                }
                port = value
            }
            guard !host.isEmpty else { throw ConfigurationError("bad \(role) '\(entry)'") }
            result.append(ServerAddress(host: String(host), port: port))
        }
        return result
    }
}

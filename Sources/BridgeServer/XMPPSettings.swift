public import XMPP

/// The XMPP side of the configuration: one connection per server ("shard"), all logging in with
/// the same account and joining the same brewery (docs/meetpad-stack.md §1.3).
public struct XMPPSettings: Sendable {
    /// False with `--disable-xmpp` / JVB_DISABLE_XMPP: the bridge is then driven over REST only.
    public var enabled = true
    /// `XMPP_SERVER` entries with their ports.
    public var servers: [XMPPServerAddress] = [XMPPServerAddress(host: "xmpp.meet.jitsi", port: 5222)]
    /// Login domain (`XMPP_AUTH_DOMAIN`).
    public var domain = "auth.meet.jitsi"
    /// The brewery's MUC domain (`XMPP_INTERNAL_MUC_DOMAIN`).
    public var mucDomain = "internal-muc.meet.jitsi"
    /// Account name and password (`JVB_AUTH_USER`, `JVB_AUTH_PASSWORD`); the password is masked
    /// in every description. nil until a password is known.
    public var credentials: XMPPCredentials?
    /// Account name, also when no password is set.
    public var user = "jvb"
    /// Brewery room name (`JVB_BREWERY_MUC`).
    public var breweryName = "jvbbrewery"
    /// Nickname in the brewery (`JVB_MUC_NICKNAME`, default the host name).
    public var nickname = HostName.current()
    /// TLS certificate verification; jicoco's DISABLE_CERTIFICATE_VERIFICATION turns it off.
    public var verifyCertificate = true
    /// Seconds between presence updates (JVB's stats interval).
    public var presenceInterval: Int64 = 5

    /// Defaults.
    public init() {}

    /// The brewery room and our nickname in it.
    public var brewery: BreweryRoom { BreweryRoom(name: breweryName, mucDomain: mucDomain, nickname: nickname) }
}

/// One `XMPP_SERVER` entry.
public struct XMPPServerAddress: Sendable, Equatable, CustomStringConvertible {
    /// Host name or address.
    public var host: String
    /// c2s port.
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

    /// Parses `XMPP_SERVER`: comma-separated `host`, `host:port` or `[v6]:port`.
    public static func parseList(_ text: String, defaultPort: Int) throws(ConfigurationError) -> [XMPPServerAddress] {
        var result: [XMPPServerAddress] = []
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
                    throw ConfigurationError("bad port in XMPP server '\(entry)'")
                }
                port = value
            }
            guard !host.isEmpty else { throw ConfigurationError("bad XMPP server '\(entry)'") }
            result.append(XMPPServerAddress(host: String(host), port: port))
        }
        guard !result.isEmpty else { throw ConfigurationError("no XMPP server given") }
        return result
    }
}

public import XMPP

/// The XMPP side of the configuration: one connection per server ("shard"), all logging in with
/// the same account and joining the same brewery (docs/meetpad-stack.md §1.3).
public struct XMPPSettings: Sendable {
    /// False with `--disable-xmpp` / JVB_DISABLE_XMPP: the bridge is then driven over REST only.
    public var enabled = true
    /// `XMPP_SERVER` entries with their ports.
    public var servers: [ServerAddress] = [ServerAddress(host: "xmpp.meet.jitsi", port: 5222)]
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

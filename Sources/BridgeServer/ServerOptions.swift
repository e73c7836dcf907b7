/// Values given on the command line; nil means "not given", so the environment or the default
/// applies (flag > environment > default).
public struct ServerOptions: Sendable {
    /// `--port`
    public var port: Int?
    /// `--media-host`
    public var mediaHost: String?
    /// `--advertise-ips`
    public var advertiseIPs: String?
    /// `--[no-]advertise-private-candidates`
    public var advertisePrivateCandidates: Bool?
    /// `--stun-servers`
    public var stunServers: String?
    /// `--disable-stun`
    public var disableSTUN: Bool?
    /// `--http-host`
    public var httpHost: String?
    /// `--http-port`
    public var httpPort: Int?
    /// `--[no-]colibri-rest`
    public var colibriREST: Bool?
    /// `--[no-]shutdown-rest`
    public var shutdownREST: Bool?
    /// `--enable-sctp/--disable-sctp`
    public var sctp: Bool?
    /// `--log-level`
    public var logLevel: String?
    /// `--disable-xmpp` (true when given)
    public var disableXMPP: Bool?
    /// `--xmpp-server`
    public var xmppServer: String?
    /// `--xmpp-port`
    public var xmppPort: Int?
    /// `--xmpp-domain`
    public var xmppDomain: String?
    /// `--xmpp-muc-domain`
    public var xmppMUCDomain: String?
    /// `--xmpp-user`
    public var xmppUser: String?
    /// The contents of `--xmpp-password-file` (there is no plain password flag: argv is public).
    public var xmppPassword: String?
    /// `--brewery-muc`
    public var breweryMUC: String?
    /// `--muc-nickname`
    public var mucNickname: String?
    /// `--disable-certificate-verification` (true when given)
    public var disableCertificateVerification: Bool?
    /// `--presence-interval`
    public var presenceInterval: Int?
    /// `--region`
    public var region: String?
    /// `--stress-packet-rate`
    public var stressPacketRate: Int?
    /// `--graceful-shutdown-max-duration`
    public var gracefulShutdownMaxDuration: Int?
    /// `--shutting-down-delay`
    public var shuttingDownDelay: Int?
    /// `--max-conferences`
    public var maximumConferences: Int?
    /// `--initial-max-height-px`
    public var initialMaxHeight: Int?
    /// `--trust-bwe/--no-trust-bwe`
    public var trustsBandwidthEstimate: Bool?
    /// `--srtp-backend`
    public var srtpBackend: String?
    /// `--media-threads`
    public var mediaThreads: Int?
    /// `--udp-gso/--no-udp-gso`
    public var udpSegmentation: Bool?
    /// `--max-endpoints-per-conference`
    public var maximumEndpointsPerConference: Int?

    /// No flags given.
    public init() {}
}

public import Logging
import Bridge
public import Primitives
public import SRTP

/// The effective configuration of one bridge process, after flags, environment and defaults.
///
/// Environment names follow docker-jitsi-meet's jvb service where one exists
/// (docs/meetpad-stack.md §6); the few without an upstream counterpart are marked "ours".
public struct ServerSettings: Sendable {
    /// UDP media port (`--port`, JVB_PORT, default 10000; 0 picks a free port).
    public var mediaPort: UInt16 = 10000
    /// Address the media socket binds to (`--media-host`, JVB_BIND_ADDRESS (ours), default 0.0.0.0).
    public var mediaHost = "0.0.0.0"
    /// Static NAT mappings (`--advertise-ips`, JVB_ADVERTISE_IPS, else DOCKER_HOST_ADDRESS).
    /// Port 0 stands for "the media port".
    public var advertisedAddresses: [PeerAddress] = []
    /// Whether private host candidates are advertised too (JVB_ADVERTISE_PRIVATE_CANDIDATES).
    public var advertisePrivateCandidates = true
    /// STUN servers that tell the bridge its public address (`--stun-servers`, JVB_STUN_SERVERS,
    /// host:port list; none unless given — the compose file passes upstream's default — and
    /// none when `--disable-stun`/JVB_DISABLE_STUN is set).
    public var stunServers: [ServerAddress] = []
    /// Private HTTP listener (`--http-host`, default 127.0.0.1, as JVB's private server). The
    /// admin routes (drain, shutdown) live here, so the default keeps them off the network.
    public var httpHost = "127.0.0.1"
    /// Private HTTP port (`--http-port`, default 8080).
    public var httpPort = 8080
    /// Colibri2 REST and /colibri/stats (`--[no-]colibri-rest`, COLIBRI_REST_ENABLED). Off by
    /// default as upstream, except when XMPP is disabled: then REST is the only control path.
    public var colibriRESTEnabled = false
    /// `POST /colibri/shutdown` (`--[no-]shutdown-rest`, SHUTDOWN_REST_ENABLED, default off);
    /// served only when the Colibri REST group is on too, as JVB.
    public var shutdownRESTEnabled = false
    /// SCTP data channels (`--enable-sctp/--disable-sctp`, ENABLE_SCTP, default on).
    public var sctpEnabled = true
    /// Log level (`--log-level`, default info).
    public var logLevel: Logger.Level = .info
    /// The XMPP control connections (brewery, Colibri2 over XMPP).
    public var xmpp = XMPPSettings()
    /// Region published in presence (`--region`, JVB_OCTO_REGION), if any.
    public var region: String?
    /// Packets per second (in + out) that count as full load: stress_level = rate / this
    /// (`--stress-packet-rate`, default 50000, JVB's packet-rate load threshold).
    public var stressPacketRate: Double = 50_000
    /// Longest a graceful shutdown waits for conferences to end, in seconds
    /// (`--graceful-shutdown-max-duration`, JVB_GRACEFUL_SHUTDOWN_MAX_DURATION (ours), default 24 h as JVB).
    public var gracefulShutdownMaxDuration: Int64 = 86_400
    /// Conferences beyond this are refused (`--max-conferences`, JVB_MAX_CONFERENCES (ours)).
    public var maximumConferences = BridgeConfiguration.defaultMaximumConferences
    /// Video height before a receiver's first constraints (`--initial-max-height-px`,
    /// `videobridge.cc.initial-max-height-px`).
    public var initialMaxHeight = 0
    /// Whether allocation spends receivers' downlink estimates (`--trust-bwe`, `videobridge.cc.trust-bwe`).
    public var trustsBandwidthEstimate = true
    /// Which SRTP implementation the engine uses (`--srtp-backend`, JVB_SRTP_BACKEND (ours)).
    public var srtpBackend = SRTPBackend.openSSL
    /// Media threads (`--media-threads`, JVB_MEDIA_THREADS (ours)): one receives, each selects,
    /// rewrites, seals and sends for its share of the receivers. Default: the CPUs the process may use.
    public var mediaThreads = 1
    /// Whether a receiver's datagrams that queue up together leave as one segmented send (UDP
    /// GSO; `--udp-gso`, JVB_UDP_GSO (ours)). On where the kernel can; off only to compare.
    public var udpSegmentation = true
    /// The most media threads the bridge starts, whatever it is told.
    public static let maximumMediaThreads = 64
    /// Endpoints per conference beyond this are refused (`--max-endpoints-per-conference`,
    /// JVB_MAX_ENDPOINTS_PER_CONFERENCE (ours)).
    public var maximumEndpointsPerConference = BridgeConfiguration.defaultMaximumEndpointsPerConference
    /// Seconds between announcing `shutting_down` and exiting while endpoints remain, so jicofo
    /// can move them (`--shutting-down-delay`, JVB_SHUTTING_DOWN_DELAY (ours), default 60 as JVB).
    public var shuttingDownDelay: Int64 = 60
    /// Where each printed setting came from (`env NAME`, `flag --name` or `default`).
    public var sources: [String: String] = [:]
    /// Variables of the upstream container that mean nothing here but were set (names only).
    public var ignoredEnvironment: [String] = []

    /// Every default.
    public init() {}

    /// The media bind address with the media port.
    public var mediaBindAddress: PeerAddress {
        get throws(ConfigurationError) {
            guard let address = PeerAddress(host: mediaHost, port: mediaPort) else {
                throw ConfigurationError("media host '\(mediaHost)' is not a numeric IPv4/IPv6 address")
            }
            return address
        }
    }

    /// Whether `POST /colibri/shutdown` is served.
    public var shutdownRouteEnabled: Bool { colibriRESTEnabled && shutdownRESTEnabled }
}

public import Logging
public import Primitives

/// The effective configuration of one bridge process, after flags, environment and defaults.
///
/// Environment names follow docker-jitsi-meet's jvb service where one exists
/// (docs/meetpad-stack.md §6); `JVB_BIND_ADDRESS` is ours.
public struct ServerSettings: Sendable {
    /// UDP media port (`--port`, JVB_PORT, default 10000; 0 picks a free port).
    public var mediaPort: UInt16 = 10000
    /// Address the media socket binds to (`--media-host`, JVB_BIND_ADDRESS, default 0.0.0.0).
    public var mediaHost = "0.0.0.0"
    /// Static NAT mappings (`--advertise-ips`, JVB_ADVERTISE_IPS, else DOCKER_HOST_ADDRESS).
    /// Port 0 stands for "the media port".
    public var advertisedAddresses: [PeerAddress] = []
    /// Whether private host candidates are advertised too (JVB_ADVERTISE_PRIVATE_CANDIDATES).
    public var advertisePrivateCandidates = true
    /// Private HTTP listener (`--http-host`, default 127.0.0.1, as JVB's private server).
    public var httpHost = "127.0.0.1"
    /// Private HTTP port (`--http-port`, default 8080).
    public var httpPort = 8080
    /// Colibri2 REST and /colibri/stats (`--[no-]colibri-rest`, COLIBRI_REST_ENABLED). On by
    /// default in this build; upstream JVB and docker-jitsi-meet default it off.
    public var colibriRESTEnabled = true
    /// SCTP data channels (`--enable-sctp/--disable-sctp`, ENABLE_SCTP, default on).
    public var sctpEnabled = true
    /// Log level (`--log-level`, default info).
    public var logLevel: Logger.Level = .info

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
}

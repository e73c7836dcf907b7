import CMediaSocket
import Logging
import Primitives
import SRTP
import XMPP

extension ServerSettings {
    /// Resolves every setting as flag, else environment variable, else default. Empty variables
    /// count as unset, because compose files pass `${VAR}` through even when it is blank. A
    /// variable is only read (and validated) when no flag overrides it.
    public init(options: ServerOptions, environment: [String: String]) throws(ConfigurationError) {
        self.init()
        let env = EnvironmentReader(environment)
        var pick = SettingsResolver(env)
        try resolveMedia(options, &pick)
        try resolveXMPP(options, &pick)
        try resolveOperations(options, &pick)
        sources = pick.sources
        ignoredEnvironment = IgnoredEnvironment.present(in: env)
    }

    private mutating func resolveMedia(_ options: ServerOptions, _ pick: inout SettingsResolver) throws(ConfigurationError) {
        let port = try pick.integer("media.port", flag: options.port, "--port", env: ["JVB_PORT"], default: Int(mediaPort))
        guard let mediaPort = UInt16(exactly: port) else { throw ConfigurationError("media port \(port) is out of range") }
        self.mediaPort = mediaPort
        mediaHost = try pick.string("media.host", flag: options.mediaHost, "--media-host", env: ["JVB_BIND_ADDRESS"], default: mediaHost)
        _ = try mediaBindAddress
        let advertised = try pick.string(
            "media.advertise-ips", flag: options.advertiseIPs, "--advertise-ips",
            env: ["JVB_ADVERTISE_IPS", "DOCKER_HOST_ADDRESS"], default: ""
        )
        advertisedAddresses = try AdvertisedAddressList.parse(advertised, defaultPort: mediaPort)
        advertisePrivateCandidates = try pick.boolean(
            "media.advertise-private-candidates", flag: options.advertisePrivateCandidates,
            "--advertise-private-candidates", env: ["JVB_ADVERTISE_PRIVATE_CANDIDATES"], default: advertisePrivateCandidates
        )
        let stunDisabled = try pick.boolean("stun.disabled", flag: options.disableSTUN, "--disable-stun", env: ["JVB_DISABLE_STUN"], default: false)
        if stunDisabled {
            pick.note("stun.servers", "disabled by " + (pick.sources["stun.disabled"] ?? "default"))
        } else {
            let stun = try pick.string("stun.servers", flag: options.stunServers, "--stun-servers", env: ["JVB_STUN_SERVERS"], default: "")
            stunServers = try ServerAddress.parseList(stun, defaultPort: 3478, role: "STUN server")
        }
        let backend = try pick.string(
            "srtp.backend", flag: options.srtpBackend, "--srtp-backend", env: ["JVB_SRTP_BACKEND"], default: srtpBackend.rawValue)
        guard let srtpBackend = SRTPBackend(rawValue: backend) else {
            throw ConfigurationError("unknown SRTP backend \"\(backend)\" (openssl or libsrtp)")
        }
        self.srtpBackend = srtpBackend
        mediaThreads = try pick.integer(
            "media.threads", flag: options.mediaThreads, "--media-threads", env: ["JVB_MEDIA_THREADS"],
            default: Int(ms_usable_cpus()))
        guard (1...Self.maximumMediaThreads).contains(mediaThreads) else {
            throw ConfigurationError("media threads must be 1...\(Self.maximumMediaThreads), not \(mediaThreads)")
        }
        udpSegmentation = try pick.boolean(
            "media.udp-gso", flag: options.udpSegmentation, "--udp-gso", env: ["JVB_UDP_GSO"], default: udpSegmentation)
        sctpEnabled = try pick.boolean("sctp.enabled", flag: options.sctp, "--enable-sctp", env: ["ENABLE_SCTP"], default: sctpEnabled)
    }

    private mutating func resolveXMPP(_ options: ServerOptions, _ pick: inout SettingsResolver) throws(ConfigurationError) {
        let env = pick.environment
        xmpp.enabled = try !pick.boolean("xmpp.enabled", flag: options.disableXMPP, "--disable-xmpp", env: ["JVB_DISABLE_XMPP"], default: false)
        // ENABLE_JVB_XMPP_SERVER points the bridge at docker-jitsi-meet's separate brewery prosody.
        let separate = try env.boolean("ENABLE_JVB_XMPP_SERVER") ?? false
        func names(_ main: String, _ separateName: String) -> [String] { separate ? [separateName] : [main] }
        let port = try pick.integer(
            "xmpp.port", flag: options.xmppPort, "--xmpp-port", env: names("XMPP_PORT", "JVB_XMPP_PORT"),
            default: separate ? 6222 : 5222
        )
        let servers = try pick.string(
            "xmpp.servers", flag: options.xmppServer, "--xmpp-server", env: names("XMPP_SERVER", "JVB_XMPP_SERVER"),
            default: separate ? "xmpp.jvb.meet.jitsi" : "xmpp.meet.jitsi"
        )
        xmpp.servers = try ServerAddress.parseList(servers, defaultPort: port, role: "XMPP server")
        guard !xmpp.servers.isEmpty else { throw ConfigurationError("no XMPP server given") }
        xmpp.domain = try pick.string(
            "xmpp.domain", flag: options.xmppDomain, "--xmpp-domain", env: names("XMPP_AUTH_DOMAIN", "JVB_XMPP_AUTH_DOMAIN"),
            default: separate ? "auth.jvb.meet.jitsi" : xmpp.domain
        )
        xmpp.mucDomain = try pick.string(
            "xmpp.muc-domain", flag: options.xmppMUCDomain, "--xmpp-muc-domain",
            env: names("XMPP_INTERNAL_MUC_DOMAIN", "JVB_XMPP_INTERNAL_MUC_DOMAIN"),
            default: separate ? "muc.jvb.meet.jitsi" : xmpp.mucDomain
        )
        xmpp.user = try pick.string("xmpp.user", flag: options.xmppUser, "--xmpp-user", env: ["JVB_AUTH_USER"], default: xmpp.user)
        let password = try pick.pick(
            "xmpp.password", flag: options.xmppPassword, "--xmpp-password-file", env: ["JVB_AUTH_PASSWORD"],
            read: { env, name in env.secret(name) }, default: ""
        )
        if !password.isEmpty { xmpp.credentials = XMPPCredentials(username: xmpp.user, password: password) }
        xmpp.breweryName = try pick.string(
            "xmpp.brewery", flag: options.breweryMUC, "--brewery-muc", env: ["JVB_BREWERY_MUC"], default: xmpp.breweryName
        )
        xmpp.nickname = try pick.string(
            "xmpp.nickname", flag: options.mucNickname, "--muc-nickname", env: ["JVB_MUC_NICKNAME"], default: xmpp.nickname
        )
        xmpp.verifyCertificate = try !pick.boolean(
            "xmpp.verify-certificate", flag: options.disableCertificateVerification, "--disable-certificate-verification",
            env: ["DISABLE_CERTIFICATE_VERIFICATION"], default: false
        )
        let interval = try pick.integer(
            "xmpp.presence-interval", flag: options.presenceInterval, "--presence-interval", default: Int(xmpp.presenceInterval)
        )
        guard interval >= 1 else { throw ConfigurationError("presence interval must be at least 1 s") }
        xmpp.presenceInterval = Int64(interval)
        if xmpp.enabled && xmpp.credentials == nil {
            throw ConfigurationError(
                "XMPP is enabled but no password is set: set JVB_AUTH_PASSWORD (or --xmpp-password-file), "
                    + "or run without XMPP with JVB_DISABLE_XMPP=1 / --disable-xmpp"
            )
        }
    }

    private mutating func resolveOperations(_ options: ServerOptions, _ pick: inout SettingsResolver) throws(ConfigurationError) {
        httpHost = try pick.string("http.host", flag: options.httpHost, "--http-host", default: httpHost)
        httpPort = try pick.integer("http.port", flag: options.httpPort, "--http-port", default: httpPort)
        guard (0...65535).contains(httpPort) else { throw ConfigurationError("HTTP port \(httpPort) is out of range") }
        // Without XMPP, REST is the only way to create conferences, so it defaults on there.
        colibriRESTEnabled = try pick.boolean(
            "colibri.rest", flag: options.colibriREST, "--colibri-rest", env: ["COLIBRI_REST_ENABLED"], default: !xmpp.enabled
        )
        shutdownRESTEnabled = try pick.boolean(
            "colibri.shutdown-rest", flag: options.shutdownREST, "--shutdown-rest", env: ["SHUTDOWN_REST_ENABLED"], default: false
        )
        let level = try pick.string("log.level", flag: options.logLevel, "--log-level", default: "info")
        guard let parsed = Logger.Level(rawValue: level.lowercased()) else {
            throw ConfigurationError("unknown log level '\(level)' (trace, debug, info, notice, warning, error, critical)")
        }
        logLevel = parsed
        let region = try pick.string("region", flag: options.region, "--region", env: ["JVB_OCTO_REGION"], default: "")
        self.region = region.isEmpty ? nil : region
        let rate = try pick.integer("stress.packet-rate", flag: options.stressPacketRate, "--stress-packet-rate", default: 50_000)
        guard rate > 0 else { throw ConfigurationError("stress packet rate must be positive") }
        stressPacketRate = Double(rate)
        let maxDuration = try pick.integer(
            "shutdown.graceful-max-duration", flag: options.gracefulShutdownMaxDuration, "--graceful-shutdown-max-duration",
            env: ["JVB_GRACEFUL_SHUTDOWN_MAX_DURATION"], default: Int(gracefulShutdownMaxDuration)
        )
        let delay = try pick.integer(
            "shutdown.shutting-down-delay", flag: options.shuttingDownDelay, "--shutting-down-delay",
            env: ["JVB_SHUTTING_DOWN_DELAY"], default: Int(shuttingDownDelay)
        )
        guard maxDuration >= 0, delay >= 0 else { throw ConfigurationError("shutdown durations must not be negative") }
        gracefulShutdownMaxDuration = Int64(maxDuration)
        shuttingDownDelay = Int64(delay)
        maximumConferences = try pick.integer(
            "limits.max-conferences", flag: options.maximumConferences, "--max-conferences",
            env: ["JVB_MAX_CONFERENCES"], default: maximumConferences
        )
        initialMaxHeight = try pick.integer(
            "videobridge.cc.initial-max-height-px", flag: options.initialMaxHeight, "--initial-max-height-px",
            default: initialMaxHeight
        )
        trustsBandwidthEstimate = try pick.boolean(
            "videobridge.cc.trust-bwe", flag: options.trustsBandwidthEstimate, "--trust-bwe", default: trustsBandwidthEstimate)
        maximumEndpointsPerConference = try pick.integer(
            "limits.max-endpoints-per-conference", flag: options.maximumEndpointsPerConference, "--max-endpoints-per-conference",
            env: ["JVB_MAX_ENDPOINTS_PER_CONFERENCE"], default: maximumEndpointsPerConference
        )
        guard maximumConferences > 0, maximumEndpointsPerConference > 0 else {
            throw ConfigurationError("conference and endpoint limits must be positive")
        }
    }
}

import ArgumentParser
import BridgeServer
import Logging

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// `meetpad-bridge`: the Swift stand-in for jitsi-videobridge.
///
/// Every flag falls back to the docker-jitsi-meet environment variable named in its help, then to
/// JVB's default, so a stock `.env` configures it.
@main
struct MeetpadBridgeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "meetpad-bridge",
        abstract: "Selective forwarding unit for Jitsi Meet (jitsi-videobridge replacement).",
        version: BridgeVersion.version
    )

    @Option(help: "UDP media port; 0 picks a free one. Env JVB_PORT, default 10000.")
    var port: Int?

    @Option(help: "Address the media socket binds to. Env JVB_BIND_ADDRESS, default 0.0.0.0.")
    var mediaHost: String?

    @Option(name: .customLong("advertise-ips"), help: "Public addresses to advertise: comma list of ip or ip#port. Env JVB_ADVERTISE_IPS, else DOCKER_HOST_ADDRESS.")
    var advertiseIPs: String?

    @Option(help: "SRTP implementation: openssl (default) or libsrtp (libsrtp2, the reference). Env JVB_SRTP_BACKEND.")
    var srtpBackend: String?

    @Option(help: "Media threads: one receives, each selects, rewrites, seals and sends for its share of receivers. Default: usable CPUs. Env JVB_MEDIA_THREADS.")
    var mediaThreads: Int?

    @Flag(name: .customLong("udp-gso"), inversion: .prefixedNo,
          help: "Send a receiver's queued datagrams as one segmented send (UDP GSO) where the kernel can. Env JVB_UDP_GSO, default true.")
    var udpGSO: Bool?

    @Flag(inversion: .prefixedNo, help: "Advertise private host candidates too. Env JVB_ADVERTISE_PRIVATE_CANDIDATES, default true.")
    var advertisePrivateCandidates: Bool?

    @Option(name: .customLong("stun-servers"), help: "STUN servers that tell the bridge its public address: comma list of host:port. Env JVB_STUN_SERVERS, default none.")
    var stunServers: String?

    @Flag(name: .customLong("disable-stun"), help: "Do not ask STUN servers for the public address. Env JVB_DISABLE_STUN.")
    var disableStun = false

    @Option(help: "Private HTTP listener address (default 127.0.0.1).")
    var httpHost: String?

    @Option(help: "Private HTTP port (default 8080).")
    var httpPort: Int?

    @Flag(inversion: .prefixedNo, help: "Serve Colibri2 REST and /colibri/stats. Env COLIBRI_REST_ENABLED, default off (on when XMPP is disabled).")
    var colibriRest: Bool?

    @Flag(inversion: .prefixedNo, help: "Serve POST /colibri/shutdown (needs --colibri-rest too). Env SHUTDOWN_REST_ENABLED, default off.")
    var shutdownRest: Bool?

    @Flag(inversion: .prefixedEnableDisable, help: "SCTP data channels. Env ENABLE_SCTP, default on.")
    var sctp: Bool?

    @Option(help: "trace, debug, info, notice, warning, error or critical (default info).")
    var logLevel: String?

    @Flag(help: "Run without XMPP (Colibri2 over REST only). Env JVB_DISABLE_XMPP.")
    var disableXmpp = false

    @Option(help: "XMPP servers: comma list of host[:port], one connection each. Env XMPP_SERVER, default xmpp.meet.jitsi.")
    var xmppServer: String?

    @Option(help: "XMPP port for servers given without one. Env XMPP_PORT, default 5222.")
    var xmppPort: Int?

    @Option(help: "XMPP login domain. Env XMPP_AUTH_DOMAIN, default auth.meet.jitsi.")
    var xmppDomain: String?

    @Option(help: "MUC domain of the brewery. Env XMPP_INTERNAL_MUC_DOMAIN, default internal-muc.meet.jitsi.")
    var xmppMucDomain: String?

    @Option(help: "XMPP account. Env JVB_AUTH_USER, default jvb.")
    var xmppUser: String?

    @Option(help: "File holding the XMPP password (there is no password flag: arguments are visible to every user). Env JVB_AUTH_PASSWORD.")
    var xmppPasswordFile: String?

    @Option(help: "Brewery room name. Env JVB_BREWERY_MUC, default jvbbrewery.")
    var breweryMuc: String?

    @Option(help: "Nickname in the brewery, unique per bridge. Env JVB_MUC_NICKNAME, default the host name.")
    var mucNickname: String?

    @Flag(help: "Skip TLS certificate checks towards the XMPP server (prosody's certificate is self-signed in docker). Env DISABLE_CERTIFICATE_VERIFICATION.")
    var disableCertificateVerification = false

    @Option(help: "Seconds between brewery presence updates (default 5).")
    var presenceInterval: Int?

    @Option(help: "Region published in presence. Env JVB_OCTO_REGION.")
    var region: String?

    @Option(help: "Packets per second (in + out) that count as full load for stress_level (default 50000).")
    var stressPacketRate: Int?

    @Option(help: "Longest graceful shutdown in seconds. Env JVB_GRACEFUL_SHUTDOWN_MAX_DURATION, default 86400.")
    var gracefulShutdownMaxDuration: Int?

    @Option(help: "Seconds between shutting_down and exit while endpoints remain. Env JVB_SHUTTING_DOWN_DELAY, default 60.")
    var shuttingDownDelay: Int?

    @Option(help: "Most conferences at once; more are refused. Env JVB_MAX_CONFERENCES, default 2000.")
    var maxConferences: Int?

    @Option(name: .customLong("initial-max-height-px"),
            help: "Video height a receiver gets before its first ReceiverVideoConstraints (JVB's videobridge.cc.initial-max-height-px), default 0.")
    var initialMaxHeight: Int?

    @Flag(inversion: .prefixedNo,
          help: "Allocate video within each receiver's downlink estimate (JVB's videobridge.cc.trust-bwe), default on.")
    var trustBwe: Bool?

    @Option(help: "Most endpoints in one conference; more are refused. Env JVB_MAX_ENDPOINTS_PER_CONFERENCE, default 500.")
    var maxEndpointsPerConference: Int?

    @Flag(help: "Print the effective configuration (key=value  # source; secrets redacted) and exit.")
    var printConfig = false

    func run() async throws {
        var options = ServerOptions()
        options.port = port
        options.mediaHost = mediaHost
        options.advertiseIPs = advertiseIPs
        options.advertisePrivateCandidates = advertisePrivateCandidates
        options.stunServers = stunServers
        options.disableSTUN = disableStun ? true : nil
        options.httpHost = httpHost
        options.httpPort = httpPort
        options.colibriREST = colibriRest
        options.shutdownREST = shutdownRest
        options.disableXMPP = disableXmpp ? true : nil
        options.xmppServer = xmppServer
        options.xmppPort = xmppPort
        options.xmppDomain = xmppDomain
        options.xmppMUCDomain = xmppMucDomain
        options.xmppUser = xmppUser
        options.xmppPassword = try xmppPasswordFile.map(Self.readSecret)
        options.breweryMUC = breweryMuc
        options.mucNickname = mucNickname
        options.disableCertificateVerification = disableCertificateVerification ? true : nil
        options.presenceInterval = presenceInterval
        options.region = region
        options.stressPacketRate = stressPacketRate
        options.gracefulShutdownMaxDuration = gracefulShutdownMaxDuration
        options.shuttingDownDelay = shuttingDownDelay
        options.maximumConferences = maxConferences
        options.initialMaxHeight = initialMaxHeight
        options.srtpBackend = srtpBackend
        options.mediaThreads = mediaThreads
        options.udpSegmentation = udpGSO
        options.trustsBandwidthEstimate = trustBwe
        options.maximumEndpointsPerConference = maxEndpointsPerConference
        options.sctp = sctp
        options.logLevel = logLevel
        let settings: ServerSettings
        do {
            settings = try ServerSettings(options: options, environment: Self.environment())
        } catch {
            throw ValidationError(error.description)
        }
        if printConfig {
            print(settings)
            return
        }
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = settings.logLevel
            return handler
        }
        let logger = Logger(label: "meetpad-bridge")
        try await BridgeProcess.run(settings: settings, logger: logger)
    }

    /// The first line of a secret file, without its line ending.
    static func readSecret(_ path: String) throws -> String {
        guard let file = fopen(path, "r") else { throw ValidationError("cannot read the password file \(path)") }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        while true {
            let c = fgetc(file)
            if c == EOF || c == 0x0A { break }
            bytes.append(UInt8(truncatingIfNeeded: c))
        }
        if bytes.last == 0x0D { bytes.removeLast() }
        guard !bytes.isEmpty else { throw ValidationError("the password file \(path) is empty") }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The process environment as a dictionary.
    static func environment() -> [String: String] {
        var result: [String: String] = [:]
        var cursor = environ
        while let entry = cursor.pointee {
            let text = String(cString: entry)
            if let equals = text.firstIndex(of: "=") {
                result[String(text[..<equals])] = String(text[text.index(after: equals)...])
            }
            cursor += 1
        }
        return result
    }
}

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

    @Flag(inversion: .prefixedNo, help: "Advertise private host candidates too. Env JVB_ADVERTISE_PRIVATE_CANDIDATES, default true.")
    var advertisePrivateCandidates: Bool?

    @Option(help: "Private HTTP listener address (default 127.0.0.1).")
    var httpHost: String?

    @Option(help: "Private HTTP port (default 8080).")
    var httpPort: Int?

    @Flag(inversion: .prefixedNo, help: "Serve Colibri2 REST and /colibri/stats. Env COLIBRI_REST_ENABLED, default on (upstream JVB: off).")
    var colibriRest: Bool?

    @Flag(inversion: .prefixedEnableDisable, help: "SCTP data channels. Env ENABLE_SCTP, default on.")
    var sctp: Bool?

    @Option(help: "trace, debug, info, notice, warning, error or critical (default info).")
    var logLevel: String?

    @Flag(help: "Print the effective configuration as key=value lines and exit.")
    var printConfig = false

    func run() async throws {
        var options = ServerOptions()
        options.port = port
        options.mediaHost = mediaHost
        options.advertiseIPs = advertiseIPs
        options.advertisePrivateCandidates = advertisePrivateCandidates
        options.httpHost = httpHost
        options.httpPort = httpPort
        options.colibriREST = colibriRest
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

import Logging
import Primitives

extension ServerSettings {
    /// Resolves every setting as flag, else environment variable, else default. Empty variables
    /// count as unset, because compose files pass `${VAR}` through even when it is blank. A
    /// variable is only read (and validated) when no flag overrides it.
    public init(options: ServerOptions, environment: [String: String]) throws(ConfigurationError) {
        self.init()
        let env = EnvironmentReader(environment)
        let port = try Self.pick(options.port, env.integer("JVB_PORT"), Int(mediaPort))
        guard let mediaPort = UInt16(exactly: port) else { throw ConfigurationError("media port \(port) is out of range") }
        self.mediaPort = mediaPort
        mediaHost = try Self.pick(options.mediaHost, env.string("JVB_BIND_ADDRESS"), mediaHost)
        _ = try mediaBindAddress
        let advertised = try Self.pick(
            options.advertiseIPs, env.string("JVB_ADVERTISE_IPS") ?? env.string("DOCKER_HOST_ADDRESS"), ""
        )
        advertisedAddresses = try AdvertisedAddressList.parse(advertised, defaultPort: mediaPort)
        advertisePrivateCandidates = try Self.pick(
            options.advertisePrivateCandidates, env.boolean("JVB_ADVERTISE_PRIVATE_CANDIDATES"), advertisePrivateCandidates
        )
        httpHost = options.httpHost ?? httpHost
        httpPort = options.httpPort ?? httpPort
        guard (0...65535).contains(httpPort) else { throw ConfigurationError("HTTP port \(httpPort) is out of range") }
        colibriRESTEnabled = try Self.pick(options.colibriREST, env.boolean("COLIBRI_REST_ENABLED"), colibriRESTEnabled)
        sctpEnabled = try Self.pick(options.sctp, env.boolean("ENABLE_SCTP"), sctpEnabled)
        if let level = options.logLevel {
            guard let parsed = Logger.Level(rawValue: level.lowercased()) else {
                throw ConfigurationError("unknown log level '\(level)' (trace, debug, info, notice, warning, error, critical)")
            }
            logLevel = parsed
        }
    }

    /// Flag, else the environment (read only when needed), else the default.
    private static func pick<Value>(
        _ flag: Value?,
        _ environment: @autoclosure () throws(ConfigurationError) -> Value?,
        _ fallback: Value
    ) throws(ConfigurationError) -> Value {
        if let flag { return flag }
        return try environment() ?? fallback
    }
}

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
    /// `--http-host`
    public var httpHost: String?
    /// `--http-port`
    public var httpPort: Int?
    /// `--[no-]colibri-rest`
    public var colibriREST: Bool?
    /// `--enable-sctp/--disable-sctp`
    public var sctp: Bool?
    /// `--log-level`
    public var logLevel: String?

    /// No flags given.
    public init() {}
}

public import XMLStream

/// One XMPP connection's settings (one per `XMPP_SERVER` shard; docs/colibri2.md §1.1–1.2).
public struct XMPPClientConfiguration: Sendable {
    /// Whether STARTTLS is used (jicoco's `SECURITY_MODE`).
    public enum TLSPolicy: Sendable, Equatable {
        /// STARTTLS must happen; a server that does not offer it fails the login.
        case required
        /// STARTTLS is used when offered (jicoco's default for localhost).
        case ifPossible
        /// STARTTLS is never started; a server that requires it fails the login.
        case disabled
    }

    /// The XMPP domain (stream `to`, `XMPP_AUTH_DOMAIN`).
    public var domain: String
    /// The account; the password is masked in every description.
    public var credentials: XMPPCredentials
    /// The resource to request when binding, or nil to let the server choose.
    public var resource: String?
    /// STARTTLS policy.
    public var tls: TLSPolicy
    /// Lets SASL PLAIN run over an unencrypted stream (tests and loopback only).
    public var allowsPlainWithoutTLS: Bool
    /// Interval between XEP-0199 pings once ready (Smack's 30 s in jicoco).
    public var pingIntervalMilliseconds: Int64
    /// How long a ping may go unanswered before the connection is declared dead.
    public var pingTimeoutMilliseconds: Int64
    /// How long the whole login (stream, TLS, SASL, bind) may take.
    public var loginTimeoutMilliseconds: Int64
    /// How long to wait for the server's `</stream:stream>` after `close()`.
    public var closeTimeoutMilliseconds: Int64
    /// Parser limits for the server's stream (1 MiB stanzas by default).
    public var limits: XMLLimits
    /// The SCRAM iteration counts accepted from the server.
    public var scramIterationRange: ClosedRange<Int>

    /// Creates a configuration with jicoco's defaults.
    public init(
        domain: String, credentials: XMPPCredentials, resource: String? = nil, tls: TLSPolicy = .required,
        allowsPlainWithoutTLS: Bool = false, pingIntervalMilliseconds: Int64 = 30_000,
        pingTimeoutMilliseconds: Int64 = 30_000, loginTimeoutMilliseconds: Int64 = 30_000,
        closeTimeoutMilliseconds: Int64 = 5_000, limits: XMLLimits = .default,
        scramIterationRange: ClosedRange<Int> = SCRAMSHA1Client.defaultIterationRange
    ) {
        self.domain = domain
        self.credentials = credentials
        self.resource = resource
        self.tls = tls
        self.allowsPlainWithoutTLS = allowsPlainWithoutTLS
        self.pingIntervalMilliseconds = pingIntervalMilliseconds
        self.pingTimeoutMilliseconds = pingTimeoutMilliseconds
        self.loginTimeoutMilliseconds = loginTimeoutMilliseconds
        self.closeTimeoutMilliseconds = closeTimeoutMilliseconds
        self.limits = limits
        self.scramIterationRange = scramIterationRange
    }
}

/// Namespaces of the XMPP core (RFC 6120) and of the extensions a bridge speaks.
public enum XMPPNamespace {
    /// Client-to-server stanzas (the default namespace of a c2s stream).
    public static let client = "jabber:client"
    /// The stream root and `<stream:features>`, `<stream:error>`.
    public static let stream = "http://etherx.jabber.org/streams"
    /// Stream error conditions (RFC 6120 §4.9.3).
    public static let streamErrors = "urn:ietf:params:xml:ns:xmpp-streams"
    /// Stanza error conditions (RFC 6120 §8.3.3).
    public static let stanzaErrors = "urn:ietf:params:xml:ns:xmpp-stanzas"
    /// STARTTLS (RFC 6120 §5).
    public static let tls = "urn:ietf:params:xml:ns:xmpp-tls"
    /// SASL (RFC 6120 §6).
    public static let sasl = "urn:ietf:params:xml:ns:xmpp-sasl"
    /// Resource binding (RFC 6120 §7).
    public static let bind = "urn:ietf:params:xml:ns:xmpp-bind"
    /// The legacy session establishment of RFC 3921 §3, still announced by some servers.
    public static let session = "urn:ietf:params:xml:ns:xmpp-session"
    /// XEP-0199 ping.
    public static let ping = "urn:xmpp:ping"
    /// XEP-0045 MUC join.
    public static let muc = "http://jabber.org/protocol/muc"
    /// Jitsi's `<stats>` presence extension (docs/colibri2.md §1.4).
    public static let colibriStats = "http://jitsi.org/protocol/colibri"
    /// Colibri2 requests (docs/colibri2.md §2).
    public static let colibri2 = "jitsi:colibri2"
    /// jicofo's bridge health check (docs/colibri2.md §3).
    public static let healthCheck = "http://jitsi.org/protocol/healthcheck"
    /// XEP-0092 software version.
    public static let version = "jabber:iq:version"
}

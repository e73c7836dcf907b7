/// The XML namespaces Colibri2 requests and responses use (docs/colibri2.md §2.1).
public enum Colibri2Namespace {
    /// `<conference-modify>`, `<endpoint>`, `<media>`, colibri2 `<transport>`, `<sctp>`, `<sources>`…
    public static let colibri2 = "jitsi:colibri2"
    /// `<payload-type>` and its `<parameter>`s.
    public static let rtp = "urn:xmpp:jingle:apps:rtp:1"
    /// `<rtcp-fb>` inside a payload type.
    public static let rtcpFeedback = "urn:xmpp:jingle:apps:rtp:rtcp-fb:0"
    /// `<rtp-hdrext>` and `<extmap-allow-mixed>`.
    public static let headerExtensions = "urn:xmpp:jingle:apps:rtp:rtp-hdrext:0"
    /// The inner ICE-UDP `<transport>`, its `<candidate>`s and `<rtcp-mux>`.
    public static let iceUDP = "urn:xmpp:jingle:transports:ice-udp:1"
    /// `<fingerprint>` inside the ICE-UDP transport.
    public static let dtls = "urn:xmpp:jingle:apps:dtls:0"
    /// `<source>` and `<ssrc-group>` inside a `<media-source>`.
    public static let ssma = "urn:xmpp:jingle:apps:rtp:ssma:0"
    /// `<web-socket>` inside the ICE-UDP transport (colibri v1 namespace, still used).
    public static let colibri1 = "http://jitsi.org/protocol/colibri"
    /// Stanza error conditions and `<text>`.
    public static let stanzas = "urn:ietf:params:xml:ns:xmpp-stanzas"
}

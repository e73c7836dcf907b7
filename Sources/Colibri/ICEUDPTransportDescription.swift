public import XMLStream

/// The ICE-UDP `<transport xmlns="urn:xmpp:jingle:transports:ice-udp:1" ufrag pwd>`: the
/// client's credentials, candidates and fingerprint in requests, the bridge's in responses.
public struct ICEUDPTransportDescription: Sendable, Equatable {
    /// The ICE username fragment.
    public var ufrag: String?
    /// The ICE password (`pwd`).
    public var password: String?
    /// The ICE generation after an in-place restart (§2.4.4); nil otherwise.
    public var iceGeneration: Int?
    /// The candidates, in document order (malformed ones dropped).
    public var candidates: [CandidateDescription]
    /// The DTLS fingerprints.
    public var fingerprints: [FingerprintDescription]
    /// Whether `<rtcp-mux/>` was present.
    public var rtcpMux: Bool
    /// The colibri-ws URLs (`<web-socket url>`).
    public var webSocketURLs: [String]

    /// Creates a transport description.
    public init(ufrag: String? = nil, password: String? = nil, iceGeneration: Int? = nil,
                candidates: [CandidateDescription] = [], fingerprints: [FingerprintDescription] = [],
                rtcpMux: Bool = false, webSocketURLs: [String] = []) {
        self.ufrag = ufrag
        self.password = password
        self.iceGeneration = iceGeneration
        self.candidates = candidates
        self.fingerprints = fingerprints
        self.rtcpMux = rtcpMux
        self.webSocketURLs = webSocketURLs
    }

    /// Parses the ICE-UDP `<transport>`.
    public init(element: XMLElement) throws(Colibri2Error) {
        ufrag = element.attribute("ufrag")
        password = element.attribute("pwd")
        iceGeneration = try element.integer("ice-generation")
        candidates = element.children("candidate", namespace: Colibri2Namespace.iceUDP).compactMap(CandidateDescription.init(element:))
        fingerprints = element.children("fingerprint", namespace: Colibri2Namespace.dtls).compactMap(FingerprintDescription.init(element:))
        rtcpMux = element.child("rtcp-mux", namespace: Colibri2Namespace.iceUDP) != nil
        webSocketURLs = element.children("web-socket", namespace: Colibri2Namespace.colibri1).compactMap { $0.attribute("url") }
    }

    /// The ICE-UDP `<transport>` element, children in JVB's order: candidates, rtcp-mux,
    /// fingerprints, web-sockets.
    public func element() -> XMLElement {
        var transport = XMLElement("transport", namespace: Colibri2Namespace.iceUDP)
        transport.setAttribute("ufrag", ufrag)
        transport.setAttribute("pwd", password)
        transport.setAttribute("ice-generation", iceGeneration.map { String($0) })
        transport.children = candidates.map { $0.element() }
        if rtcpMux { transport.children.append(XMLElement("rtcp-mux", namespace: Colibri2Namespace.iceUDP)) }
        transport.children += fingerprints.map { $0.element() }
        transport.children += webSocketURLs.map {
            XMLElement("web-socket", namespace: Colibri2Namespace.colibri1, attributes: [("url", $0)])
        }
        return transport
    }
}

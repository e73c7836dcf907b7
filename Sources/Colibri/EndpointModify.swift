public import XMLStream

/// One `<endpoint>` of a `<conference-modify>` (docs/colibri2.md §2.1–2.2).
public struct EndpointModify: Sendable, Equatable {
    /// Capability names jicofo sends on create.
    public enum Capability {
        /// Mandatory: JVB refuses a create without it.
        public static let sourceNames = "source-names"
        /// The receiver wants bridge-side SSRC rewriting (§5.5).
        public static let ssrcRewriting = "ssrc-rewriting"
        /// Advertise private host candidates too (jigasi, jibri).
        public static let privateAddressConnectivity = "private-address-connectivity"
        /// Stamp sdes:mid per slot (sent only with ssrc-rewriting).
        public static let rtpMidDemux = "rtp-mid-demux"
    }

    /// jicofo's endpoint id (the participant's MUC resource).
    public var id: String
    /// `create="true"`.
    public var create: Bool
    /// `expire="true"`.
    public var expire: Bool
    /// The display/stats alias.
    public var statsID: String?
    /// `muc-role`, sent only as `visitor`.
    public var mucRole: String?
    /// The offered media, in document order.
    public var media: [MediaDescription]
    /// The colibri2 `<transport>`, if present.
    public var transport: TransportModify?
    /// The endpoint's complete source set: nil when `<sources>` is absent (keep the current
    /// set), empty for an empty `<sources/>` (no sources).
    public var sources: [MediaSourceDescription]?
    /// The force-mute state, if `<force-mute>` is present.
    public var forceMute: ForceMute?
    /// The capability names.
    public var capabilities: Set<String>
    /// The client's initial lastN from `<initial-last-n value>`.
    public var initialLastN: Int?

    /// Creates an endpoint request.
    public init(id: String, create: Bool = false, expire: Bool = false, statsID: String? = nil, mucRole: String? = nil,
                media: [MediaDescription] = [], transport: TransportModify? = nil, sources: [MediaSourceDescription]? = nil,
                forceMute: ForceMute? = nil, capabilities: Set<String> = [], initialLastN: Int? = nil) {
        self.id = id
        self.create = create
        self.expire = expire
        self.statsID = statsID
        self.mucRole = mucRole
        self.media = media
        self.transport = transport
        self.sources = sources
        self.forceMute = forceMute
        self.capabilities = capabilities
        self.initialLastN = initialLastN
    }

    /// Parses an `<endpoint>`; bad-request for a missing id or a malformed known child.
    public init(element: XMLElement) throws(Colibri2Error) {
        let ns = Colibri2Namespace.colibri2
        self.init(id: try element.required("id"), create: element.flag("create"), expire: element.flag("expire"),
                  statsID: element.attribute("stats-id"), mucRole: element.attribute("muc-role"))
        for child in element.children("media", namespace: ns) {
            if let description = try MediaDescription(element: child) { media.append(description) }
        }
        if let child = element.child("transport", namespace: ns) { transport = try TransportModify(element: child) }
        if let child = element.child("sources", namespace: ns) {
            var list: [MediaSourceDescription] = []
            for mediaSource in child.children("media-source", namespace: ns) {
                if let description = try MediaSourceDescription(element: mediaSource) { list.append(description) }
            }
            sources = list
        }
        forceMute = element.child("force-mute", namespace: ns).map(ForceMute.init(element:))
        capabilities = Set(element.children("capability", namespace: ns).compactMap { $0.attribute("name") })
        initialLastN = try element.child("initial-last-n", namespace: ns)?.integer("value")
    }

    /// True for `muc-role="visitor"`. Visitors must not have sources; the engine also keeps
    /// the flag from the create, since updates omit `muc-role`.
    public var isVisitor: Bool { mucRole?.lowercased() == "visitor" }

    /// True if this endpoint carries create, media, transport or sources: the parts that make
    /// an endpoint an allocation (at most one per request) and that make an unknown endpoint
    /// an error rather than something to skip (§2.2–2.3).
    public var carriesCreateMediaTransportOrSources: Bool {
        create || !media.isEmpty || transport != nil || sources != nil
    }

    /// True if the endpoint asked for SCTP (`<transport><sctp/></transport>`).
    public var wantsSCTP: Bool { transport?.sctp != nil }
}

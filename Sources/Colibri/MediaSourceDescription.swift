public import XMLStream

/// One `<media-source type id [synthetic]>`: a named source of an endpoint with its SSRCs and
/// SSRC groups (docs/colibri2.md §2.1), or one of the bridge's feedback sources in a response.
public struct MediaSourceDescription: Sendable, Equatable {
    /// One `<source xmlns="urn:xmpp:jingle:apps:rtp:ssma:0" ssrc name [videoType]>`.
    public struct Source: Sendable, Equatable {
        /// The SSRC.
        public var ssrc: UInt32
        /// The source name (equal to the media-source id).
        public var name: String?
        /// `camera` or `desktop`, for video.
        public var videoType: String?
        /// Creates a source.
        public init(ssrc: UInt32, name: String? = nil, videoType: String? = nil) {
            self.ssrc = ssrc
            self.name = name
            self.videoType = videoType
        }
    }

    /// One `<ssrc-group semantics>`: SIM (simulcast layers, lowest first), FID (primary, RTX)
    /// or FEC-FR (primary, FEC).
    public struct SSRCGroup: Sendable, Equatable {
        /// `SIM`, `FID` or `FEC-FR`, as sent.
        public var semantics: String
        /// The member SSRCs in order.
        public var ssrcs: [UInt32]
        /// Creates a group.
        public init(semantics: String, ssrcs: [UInt32]) {
            self.semantics = semantics
            self.ssrcs = ssrcs
        }
    }

    /// Audio or video.
    public var type: MediaType
    /// The source name, `<endpointId>-a0` / `-v0` by convention.
    public var id: String
    /// Server-injected audio (translation), forwarded only to explicit subscribers.
    public var synthetic: Bool
    /// The SSRCs.
    public var sources: [Source]
    /// The SSRC groups.
    public var groups: [SSRCGroup]

    /// Creates a media source.
    public init(type: MediaType, id: String, synthetic: Bool = false, sources: [Source] = [], groups: [SSRCGroup] = []) {
        self.type = type
        self.id = id
        self.synthetic = synthetic
        self.sources = sources
        self.groups = groups
    }

    /// Parses a `<media-source>`; nil for a type other than audio or video. bad-request for a
    /// missing id or an SSRC that is missing or not a 32-bit number.
    public init?(element: XMLElement) throws(Colibri2Error) {
        guard let type = MediaType(attribute: element.attribute("type")) else { return nil }
        self.type = type
        id = try element.required("id")
        synthetic = element.flag("synthetic")
        sources = []
        for child in element.children("source", namespace: Colibri2Namespace.ssma) {
            sources.append(Source(ssrc: try Self.ssrc(child), name: child.attribute("name"), videoType: child.attribute("videoType")))
        }
        groups = []
        for child in element.children("ssrc-group", namespace: Colibri2Namespace.ssma) {
            var ssrcs: [UInt32] = []
            for member in child.children("source", namespace: Colibri2Namespace.ssma) { ssrcs.append(try Self.ssrc(member)) }
            groups.append(SSRCGroup(semantics: child.attribute("semantics") ?? "", ssrcs: ssrcs))
        }
    }

    private static func ssrc(_ element: XMLElement) throws(Colibri2Error) -> UInt32 {
        guard let ssrc = try element.integer("ssrc", as: UInt32.self) else { throw .badRequest("Missing ssrc in <source>") }
        return ssrc
    }

    /// The `<media-source>` element.
    public func element() -> XMLElement {
        var mediaSource = XMLElement(
            "media-source", namespace: Colibri2Namespace.colibri2, attributes: [("type", type.rawValue), ("id", id)]
        )
        if synthetic { mediaSource.setAttribute("synthetic", "true") }
        for source in sources {
            var child = XMLElement("source", namespace: Colibri2Namespace.ssma, attributes: [("ssrc", String(source.ssrc))])
            child.setAttribute("name", source.name)
            child.setAttribute("videoType", source.videoType)
            mediaSource.children.append(child)
        }
        for group in groups {
            mediaSource.children.append(XMLElement(
                "ssrc-group", namespace: Colibri2Namespace.ssma, attributes: [("semantics", group.semantics)],
                children: group.ssrcs.map { XMLElement("source", namespace: Colibri2Namespace.ssma, attributes: [("ssrc", String($0))]) }
            ))
        }
        return mediaSource
    }

    /// The bridge's two feedback sources, `jvb-a0` and `jvb-v0` (§2.4.3), carrying the
    /// conference's random sender SSRCs for audio and video.
    public static func feedbackSources(audioSSRC: UInt32, videoSSRC: UInt32) -> [MediaSourceDescription] {
        [
            MediaSourceDescription(type: .audio, id: "jvb-a0", sources: [Source(ssrc: audioSSRC, name: "jvb-a0")]),
            MediaSourceDescription(type: .video, id: "jvb-v0", sources: [Source(ssrc: videoSSRC, name: "jvb-v0")]),
        ]
    }
}

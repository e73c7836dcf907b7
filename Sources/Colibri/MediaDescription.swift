public import XMLStream

/// One `<media type="audio|video">` of an endpoint: jicofo's offer of payload types and header
/// extensions (docs/colibri2.md §2.1, §5.1–5.2). The bridge adds them to the endpoint; it
/// never removes any.
public struct MediaDescription: Sendable, Equatable {
    /// One `<rtp-hdrext xmlns="urn:xmpp:jingle:apps:rtp:rtp-hdrext:0" id uri/>`.
    public struct HeaderExtension: Sendable, Equatable {
        /// The extension id, 1…255.
        public var id: UInt8
        /// The extension URI.
        public var uri: String
        /// Creates a header extension.
        public init(id: UInt8, uri: String) {
            self.id = id
            self.uri = uri
        }
    }

    /// Audio or video.
    public var type: MediaType
    /// The payload types in offer order (the first is preferred).
    public var payloadTypes: [PayloadTypeDescription]
    /// The RTP header extensions.
    public var headerExtensions: [HeaderExtension]
    /// Whether `<extmap-allow-mixed/>` was present (RFC 8285 one- and two-byte mixing).
    public var extmapAllowMixed: Bool

    /// Creates a media description.
    public init(type: MediaType, payloadTypes: [PayloadTypeDescription] = [],
                headerExtensions: [HeaderExtension] = [], extmapAllowMixed: Bool = false) {
        self.type = type
        self.payloadTypes = payloadTypes
        self.headerExtensions = headerExtensions
        self.extmapAllowMixed = extmapAllowMixed
    }

    /// Parses a `<media>`; nil for a type other than audio or video (skipped, as unknown).
    public init?(element: XMLElement) throws(Colibri2Error) {
        guard let type = MediaType(attribute: element.attribute("type")) else { return nil }
        self.type = type
        payloadTypes = []
        for child in element.children("payload-type", namespace: Colibri2Namespace.rtp) {
            payloadTypes.append(try PayloadTypeDescription(element: child))
        }
        headerExtensions = []
        for child in element.children("rtp-hdrext", namespace: Colibri2Namespace.headerExtensions) {
            guard let id = try child.integer("id", as: UInt8.self), id != 0 else {
                throw .badRequest("Invalid or missing rtp-hdrext id")
            }
            headerExtensions.append(HeaderExtension(id: id, uri: try child.required("uri")))
        }
        extmapAllowMixed = element.child("extmap-allow-mixed", namespace: Colibri2Namespace.headerExtensions) != nil
    }
}

public import XMLStream

/// A parsed `<conference-modify xmlns="jitsi:colibri2">` (docs/colibri2.md §2.1).
///
/// Parsing checks structure only. Call `validate()` for the stateless rules JVB enforces;
/// the rules that need state (conference exists, endpoint exists, visitor flag kept from the
/// create, SCTP enabled, graceful shutdown) are the engine's.
public struct ConferenceModify: Sendable, Equatable {
    /// jicofo's per-conference UUID: the key conferences are looked up by.
    public var meetingID: String
    /// The conference MUC JID, sent with create.
    public var name: String?
    /// `create="true"`: create the conference.
    public var create: Bool
    /// `expire="true"`: expire the whole conference.
    public var expire: Bool
    /// Stats export hint; jicofo writes the attribute only when false.
    public var rtcstatsEnabled: Bool
    /// The endpoints, in document order.
    public var endpoints: [EndpointModify]
    /// The ids of `<relay>` children. Relays (Octo) are not supported; `validate()` refuses them.
    public var relays: [String]
    /// Whether `<connects>` (transcriber export, not supported) was present. Ignored.
    public var hasConnects: Bool

    /// Creates a request.
    public init(meetingID: String, name: String? = nil, create: Bool = false, expire: Bool = false,
                rtcstatsEnabled: Bool = true, endpoints: [EndpointModify] = [], relays: [String] = [], hasConnects: Bool = false) {
        self.meetingID = meetingID
        self.name = name
        self.create = create
        self.expire = expire
        self.rtcstatsEnabled = rtcstatsEnabled
        self.endpoints = endpoints
        self.relays = relays
        self.hasConnects = hasConnects
    }

    /// Parses the element; bad-request for the wrong root or namespace, a missing or blank
    /// `meeting-id`, a `name` that is not a bare JID, or a malformed known child.
    /// Unknown children and attributes are ignored.
    public init(element: XMLElement) throws(Colibri2Error) {
        let ns = Colibri2Namespace.colibri2
        guard element.name == "conference-modify", element.namespace == ns else {
            throw .badRequest("Expected <conference-modify xmlns=\"\(ns)\">")
        }
        self.init(meetingID: try element.required("meeting-id"), create: element.flag("create"), expire: element.flag("expire"))
        if let name = element.attribute("name") {
            guard BareJID.isValid(name) else { throw .badRequest("Invalid conference name \"\(name.prefix(64))\"") }
            self.name = name
        }
        rtcstatsEnabled = element.attribute("rtcstats-enabled").map { $0.lowercased() != "false" } ?? true
        for child in element.children("endpoint", namespace: ns) { endpoints.append(try EndpointModify(element: child)) }
        relays = element.children("relay", namespace: ns).map { $0.attribute("id") ?? "" }
        hasConnects = element.child("connects", namespace: ns) != nil
    }

    /// True if nothing in the request creates anything or carries media, transport or
    /// sources: only expires and force-mutes. Unknown endpoints in such a request are
    /// skipped and echoed, not errors (JVB's `shouldIgnoreUnknownEndpoints`, §2.3).
    public var isExpireOrForceMuteOnly: Bool {
        !create && relays.isEmpty && !endpoints.contains { $0.carriesCreateMediaTransportOrSources }
    }

    /// True if the response must carry the feedback sources: a conference or endpoint create (§2.4.3).
    public var needsFeedbackSources: Bool {
        create || endpoints.contains { $0.create }
    }
}

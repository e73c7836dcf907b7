public import XMLStream

/// Classifies incoming stanzas the way JVB's `XmppConnection` and jicoco's `MucClient.handleIq`
/// do: only get/set IQs from a brewery room are served (jicofo's IQs arrive through the MUC as
/// `room@muc/focus`), everything else from there is answered by kind.
public struct IQRouter: Sendable {
    /// The bare JIDs of the brewery rooms whose occupants may send requests.
    public var breweries: [JID]

    /// Creates a router for these rooms.
    public init(breweries: [JID]) {
        self.breweries = breweries
    }

    /// The route for `stanza`.
    public func route(_ stanza: XMLElement) -> IQRoute {
        guard stanza.name == "iq", let id = stanza.attribute("id"), !id.isEmpty else { return .ignore }
        let type = stanza.attribute("type")
        guard type == "get" || type == "set" else { return .ignore }
        let request = IQRequest(id: id, from: stanza.attribute("from"), to: stanza.attribute("to"))
        let sender = request.from.flatMap(JID.init)
        guard let sender, breweries.contains(where: { $0.hasSameBare(as: sender) }) else { return .forbidden(request) }
        // RFC 6120 §8.2.3: a get/set carries exactly one payload child.
        guard stanza.children.count == 1, let payload = stanza.children.first else {
            return .serviceUnavailable(request)
        }
        switch (payload.name, payload.namespace) {
        case ("conference-modify", XMPPNamespace.colibri2?):
            return .colibri(payload, replyTo: request)
        case ("healthcheck", XMPPNamespace.healthCheck?):
            return .healthCheck(request)
        case ("query", XMPPNamespace.version?) where type == "get":
            return .version(request)
        default:
            return .serviceUnavailable(request)
        }
    }
}

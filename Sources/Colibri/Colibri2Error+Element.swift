public import XMLStream

extension Colibri2Error {
    /// The stanza `<error type="…">` element (docs/colibri2.md §2.5, example 2.6 g):
    ///
    ///     <error type="cancel">
    ///       <item-not-found xmlns="urn:ietf:params:xml:ns:xmpp-stanzas"/>
    ///       <text xmlns="urn:ietf:params:xml:ns:xmpp-stanzas">Conference not found for ID: …</text>
    ///       <error xmlns="jitsi:colibri2" reason="conference_not_found"/>
    ///       <endpoint xmlns="jitsi:colibri2" id="…"/>        (unknown_endpoint only)
    ///     </error>
    ///
    /// The outer element has no namespace of its own, so it inherits the stanza's
    /// (jabber:client or jabber:component:accept) when embedded in an IQ.
    public func element() -> XMLElement {
        var error = XMLElement("error", attributes: [("type", condition.errorType)])
        error.children.append(XMLElement(condition.rawValue, namespace: Colibri2Namespace.stanzas))
        if !text.isEmpty {
            error.children.append(XMLElement("text", namespace: Colibri2Namespace.stanzas, text: text))
        }
        if let reason {
            error.children.append(XMLElement("error", namespace: Colibri2Namespace.colibri2, attributes: [("reason", reason.rawValue)]))
        }
        if let endpointID {
            error.children.append(XMLElement("endpoint", namespace: Colibri2Namespace.colibri2, attributes: [("id", endpointID)]))
        }
        return error
    }
}

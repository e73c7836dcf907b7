public import XMLStream

/// Reply builders: `to` and `from` swapped, `id` kept (docs/colibri2.md §1.3).
///
///     <iq type="result" id="…" to="<request from>" from="<request to>">[payload]</iq>
///     <iq type="error"  id="…" to="…" from="…"><error type="cancel"><condition xmlns=…stanzas/></error></iq>
public enum IQReply {
    /// A result, with the payload (e.g. `<conference-modified>`) when there is one.
    public static func result(to request: IQRequest, payload: XMLElement? = nil) -> XMLElement {
        envelope("result", request, child: payload)
    }

    /// An error with a condition and optional descriptive text.
    public static func error(to request: IQRequest, condition: IQErrorCondition, text: String? = nil) -> XMLElement {
        var error = XMLElement("error", attributes: [("type", condition.errorType)])
        error.children.append(XMLElement(condition.rawValue, namespace: XMPPNamespace.stanzaErrors))
        if let text { error.children.append(XMLElement("text", namespace: XMPPNamespace.stanzaErrors, text: text)) }
        return envelope("error", request, child: error)
    }

    /// An error around a ready-made `<error>` element (the Colibri2 engine's, with its
    /// `jitsi:colibri2` reason).
    public static func error(to request: IQRequest, error: XMLElement) -> XMLElement {
        envelope("error", request, child: error)
    }

    /// The XEP-0092 answer.
    public static func version(to request: IQRequest, name: String, version: String, os: String? = nil) -> XMLElement {
        var query = XMLElement("query", namespace: XMPPNamespace.version)
        query.children.append(XMLElement("name", namespace: XMPPNamespace.version, text: name))
        query.children.append(XMLElement("version", namespace: XMPPNamespace.version, text: version))
        if let os { query.children.append(XMLElement("os", namespace: XMPPNamespace.version, text: os)) }
        return result(to: request, payload: query)
    }

    private static func envelope(_ type: String, _ request: IQRequest, child: XMLElement?) -> XMLElement {
        var iq = XMLElement("iq", attributes: [("type", type), ("id", request.id)])
        iq.setAttribute("to", request.from)
        iq.setAttribute("from", request.to)
        if let child { iq.children.append(child) }
        return iq
    }
}

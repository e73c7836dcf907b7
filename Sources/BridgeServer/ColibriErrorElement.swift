public import Bridge
public import XMLStream

/// Stanza `<error>` elements the shell itself answers with (docs/colibri2.md §2.5); the engine
/// builds its own for Colibri-level failures.
public enum ColibriErrorElement {
    /// RFC 6120 §8.3 stanza error namespace.
    static let stanzaNamespace = "urn:ietf:params:xml:ns:xmpp-stanzas"

    /// `<error type="…"><condition/><text>…</text></error>`.
    public static func element(type: String, condition: String, text: String) -> XMLElement {
        XMLElement(
            "error",
            attributes: [("type", type)],
            children: [
                XMLElement(condition, namespace: stanzaNamespace),
                XMLElement("text", namespace: stanzaNamespace, text: text),
            ]
        )
    }

    /// A `bad-request` error (jicofo fails the allocation without marking the bridge down).
    public static func badRequest(_ text: String) -> XMLElement {
        element(type: "modify", condition: "bad-request", text: text)
    }

    /// The answer when the media loop is not running: `service-unavailable`, HTTP 503.
    public static let unavailable = ColibriOutcome.failure(
        error: element(type: "cancel", condition: "service-unavailable", text: "media loop not running"),
        httpStatus: 503
    )
}

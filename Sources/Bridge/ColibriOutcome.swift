public import XMLStream

/// The answer to a Colibri2 request: the element to send back, plus the HTTP status a REST
/// transport should use (XMPP sends an IQ result or error instead).
public enum ColibriOutcome: Sendable {
    /// `<conference-modified xmlns="jitsi:colibri2">…</conference-modified>`
    case success(XMLElement)
    /// The stanza `<error>` element of docs/colibri2.md §2.5, and its HTTP status.
    case failure(error: XMLElement, httpStatus: Int)
}

/// What one `XMLStreamParser.feed` call found, in document order.
public enum XMLStreamEvent: Sendable, Equatable {
    /// The stream's root start tag (`<stream:stream …>`): its name, namespace and attributes,
    /// without children.
    case streamOpened(XMLElement)
    /// One complete child of the root (an XMPP stanza), with its whole subtree.
    case stanza(XMLElement)
    /// The root's end tag (`</stream:stream>`).
    case streamClosed
}

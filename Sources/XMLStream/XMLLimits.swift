/// Resource limits for one parser. Every limit is checked while parsing, so hostile input is
/// refused as soon as it crosses one instead of after it has been buffered in full.
public struct XMLLimits: Sendable, Equatable {
    /// The deepest element nesting allowed, counting the document (or stream) root as depth 1.
    public var maxDepth: Int
    /// The most bytes one stanza may span (for a whole document: the document's size).
    /// Bytes of a stanza that has not finished yet count too, so an endless start tag or text
    /// run fails once it is this long.
    public var maxStanzaBytes: Int
    /// The most attributes one element may carry (namespace declarations not counted).
    public var maxAttributes: Int
    /// The most bytes of character data one element may accumulate.
    public var maxTextBytes: Int

    /// Creates limits; the defaults suit an XMPP component stream and Colibri2 bodies.
    public init(maxDepth: Int = 32, maxStanzaBytes: Int = 1 << 20, maxAttributes: Int = 64, maxTextBytes: Int = 256 * 1024) {
        self.maxDepth = maxDepth
        self.maxStanzaBytes = maxStanzaBytes
        self.maxAttributes = maxAttributes
        self.maxTextBytes = maxTextBytes
    }

    /// The default limits.
    public static let `default` = XMLLimits()
}

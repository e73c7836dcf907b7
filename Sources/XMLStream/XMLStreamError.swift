/// Why XML input was refused. A parser that threw stays failed: every later `feed` throws the
/// same error, because expat cannot resume after an error.
public enum XMLStreamError: Error, Sendable, Equatable {
    /// A `<!DOCTYPE …>` was found. DTDs are never processed (no entity expansion, no XXE).
    case dtdForbidden
    /// An entity declaration or an external entity reference was found.
    case entityForbidden
    /// Elements nest deeper than `XMLLimits.maxDepth`.
    case depthExceeded
    /// A stanza (or the whole document) is longer than `XMLLimits.maxStanzaBytes`.
    case stanzaTooLarge
    /// An element has more attributes than `XMLLimits.maxAttributes`.
    case tooManyAttributes
    /// An element's character data is longer than `XMLLimits.maxTextBytes`.
    case textTooLarge
    /// The input is not well-formed XML (expat's error code, message and position).
    case malformed(code: Int, message: String, line: Int, column: Int)
    /// Input arrived after the stream's closing tag.
    case dataAfterStreamClosed
    /// expat could not allocate a parser.
    case parserUnavailable
}

import CExpat

/// Owns one expat parser and turns its callbacks into element trees, enforcing `XMLLimits`
/// and refusing DTDs. Shared by `XMLStreamParser` (stanzas of an XMPP stream) and
/// `XMLDocument` (one whole document).
///
/// expat calls back through C function pointers, so the driver is passed as expat's user data
/// (unretained: the driver owns the parser, and the parser never outlives it).
final class ExpatDriver {
    /// Whether depth-2 elements are emitted as stanzas or kept as children of the root.
    enum Mode { case stream, document }

    /// An element whose end tag has not been seen yet.
    struct OpenElement {
        var element: XMLElement
        var text: [UInt8] = []
    }

    /// Separates namespace URI and local name in the names expat reports. U+0001 cannot occur
    /// in XML 1.0 text, not even as a character reference, so it cannot be spoofed.
    static let namespaceSeparator: CChar = 0x01

    let parser: OpaquePointer
    let mode: Mode
    let limits: XMLLimits
    var stack: [OpenElement] = []
    var events: [XMLStreamEvent] = []
    var document: XMLElement?
    var failure: XMLStreamError?
    var streamClosed = false
    /// Total bytes handed to expat so far (expat's byte indexes count from the same origin).
    var bytesFed: Int64 = 0
    /// Where the input that is not yet part of a finished stanza begins: the first byte of the
    /// current stanza, or the end of the last stanza (or root start tag, or inter-stanza text).
    var pendingStart: Int64 = 0

    init(mode: Mode, limits: XMLLimits) throws(XMLStreamError) {
        guard let parser = XML_ParserCreateNS(nil, Self.namespaceSeparator) else { throw .parserUnavailable }
        self.parser = parser
        self.mode = mode
        self.limits = limits
        installHandlers()
        // Never read parameter entities or an external DTD subset; the DOCTYPE handler
        // refuses the document before either could matter.
        XML_SetParamEntityParsing(parser, XML_PARAM_ENTITY_PARSING_NEVER)
        // Reparse deferral would stall an XMPP stream (CExpat/shim.h says why it is looked up at
        // run time); the quadratic reparse it guards against is bounded by maxStanzaBytes.
        _ = meetpad_expat_disable_reparse_deferral(parser)
    }

    deinit { XML_ParserFree(parser) }

    /// Feeds bytes to expat; the events they complete are appended to `events`.
    func parse(_ bytes: UnsafeRawBufferPointer, isFinal: Bool) throws(XMLStreamError) {
        if let failure { throw failure }
        var remaining = bytes
        repeat {
            // XML_Parse takes an Int32 length.
            let chunk = UnsafeRawBufferPointer(rebasing: remaining.prefix(1 << 30))
            remaining = UnsafeRawBufferPointer(rebasing: remaining.dropFirst(chunk.count))
            let last = isFinal && remaining.isEmpty
            bytesFed &+= Int64(chunk.count)
            let base = chunk.baseAddress?.assumingMemoryBound(to: CChar.self)
            let status = XML_Parse(parser, base, Int32(chunk.count), last ? 1 : 0)
            if status == XML_STATUS_ERROR {
                let error = failure ?? expatError()
                failure = error
                throw error
            }
            if mode == .stream, bytesFed &- pendingStart > Int64(limits.maxStanzaBytes) {
                failure = .stanzaTooLarge
                throw .stanzaTooLarge
            }
        } while !remaining.isEmpty
    }

    /// Records the first error and stops expat; the callbacks below ignore everything after it.
    func fail(_ error: XMLStreamError) {
        if failure == nil { failure = error }
        XML_StopParser(parser, 0)
    }

    /// The byte index just past the event expat is reporting now.
    var currentEventEnd: Int64 {
        Int64(XML_GetCurrentByteIndex(parser)) &+ Int64(XML_GetCurrentByteCount(parser))
    }

    private func expatError() -> XMLStreamError {
        let code = XML_GetErrorCode(parser)
        switch code {
        case XML_ERROR_EXTERNAL_ENTITY_HANDLING, XML_ERROR_AMPLIFICATION_LIMIT_BREACH:
            return .entityForbidden
        default:
            let message = XML_ErrorString(code).map { String(cString: $0) } ?? "unknown"
            return .malformed(
                code: Int(code.rawValue), message: message,
                line: Int(XML_GetCurrentLineNumber(parser)), column: Int(XML_GetCurrentColumnNumber(parser))
            )
        }
    }
}

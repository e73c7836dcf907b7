/// An incremental, namespace-aware parser for one XMPP stream direction.
///
/// Bytes go in as they arrive from the socket, split anywhere; each call returns the events
/// they completed: the root start tag once, then one `XMLElement` per complete depth-1 child,
/// then the root end tag. Stanzas are not kept as children of the root, so memory stays
/// bounded by `XMLLimits` however long the stream runs.
///
/// DTDs, entity declarations and external entities are refused; comments and processing
/// instructions are skipped. After an XMPP stream restart (TLS, SASL) create a new parser.
/// Not thread-safe: one parser per connection, used from one task.
public final class XMLStreamParser {
    private let driver: ExpatDriver

    /// Creates a parser; throws only if expat cannot allocate one.
    public init(limits: XMLLimits = .default) throws(XMLStreamError) {
        driver = try ExpatDriver(mode: .stream, limits: limits)
    }

    /// Parses the next bytes of the stream and returns the events they completed, in order.
    /// After an error every later call throws the same error.
    public func feed(_ bytes: UnsafeRawBufferPointer) throws(XMLStreamError) -> [XMLStreamEvent] {
        if driver.streamClosed && !bytes.isEmpty { throw .dataAfterStreamClosed }
        defer { driver.events.removeAll(keepingCapacity: true) }
        try driver.parse(bytes, isFinal: false)
        return driver.events
    }

    /// Parses the next bytes of the stream (array convenience).
    public func feed(_ bytes: [UInt8]) throws(XMLStreamError) -> [XMLStreamEvent] {
        // Array.withUnsafeBytes rethrows untyped errors, so carry the typed one out in a Result.
        let outcome = bytes.withUnsafeBytes { buffer in
            Result { () throws(XMLStreamError) in try feed(buffer) }
        }
        return try outcome.get()
    }

    /// True once the root's end tag has been parsed.
    public var isClosed: Bool { driver.streamClosed }
}

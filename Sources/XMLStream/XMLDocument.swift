/// Parsing of one complete XML document, such as a Colibri2 request body over HTTP.
public enum XMLDocument {
    /// Parses `bytes` as one document and returns its root element with its whole subtree.
    /// The same protections as the stream parser apply; the document as a whole must fit in
    /// `limits.maxStanzaBytes`.
    public static func parse(_ bytes: [UInt8], limits: XMLLimits = .default) throws(XMLStreamError) -> XMLElement {
        guard bytes.count <= limits.maxStanzaBytes else { throw .stanzaTooLarge }
        let driver = try ExpatDriver(mode: .document, limits: limits)
        // Array.withUnsafeBytes rethrows untyped errors, so carry the typed one out in a Result.
        let outcome = bytes.withUnsafeBytes { buffer in
            Result { () throws(XMLStreamError) in try driver.parse(buffer, isFinal: true) }
        }
        try outcome.get()
        // A successful final parse always saw the root's end tag; guard anyway rather than trap.
        guard let root = driver.document else {
            throw .malformed(code: 3, message: "no element found", line: 1, column: 0)
        }
        return root
    }

    /// Parses a document given as text (UTF-8).
    public static func parse(_ text: String, limits: XMLLimits = .default) throws(XMLStreamError) -> XMLElement {
        try parse(Array(text.utf8), limits: limits)
    }
}

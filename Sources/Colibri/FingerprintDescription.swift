public import XMLStream

/// One DTLS `<fingerprint xmlns="urn:xmpp:jingle:apps:dtls:0" hash setup>HEX:…</fingerprint>`.
/// The fingerprint itself is the element text.
public struct FingerprintDescription: Sendable, Equatable {
    /// The hash function (`sha-256`).
    public var hash: String
    /// The DTLS role: `actpass` (the bridge's offer), `active` or `passive` (the client's answer).
    public var setup: String?
    /// The colon-separated hex fingerprint.
    public var value: String
    /// Whether `cryptex="true"` (RFC 9335) was set.
    public var cryptex: Bool

    /// Creates a fingerprint.
    public init(hash: String, setup: String?, value: String, cryptex: Bool = false) {
        self.hash = hash
        self.setup = setup
        self.value = value
        self.cryptex = cryptex
    }

    /// Parses a `<fingerprint>`; nil without a hash or a value.
    public init?(element: XMLElement) {
        let value = element.text.trimmingWhitespace()
        guard let hash = element.attribute("hash"), !value.isEmpty else { return nil }
        self.init(hash: hash, setup: element.attribute("setup"), value: value, cryptex: element.flag("cryptex"))
    }

    /// The `<fingerprint>` element.
    public func element() -> XMLElement {
        var attributes: [(name: String, value: String)] = [("hash", hash)]
        if let setup { attributes.append(("setup", setup)) }
        if cryptex { attributes.append(("cryptex", "true")) }
        return XMLElement("fingerprint", namespace: Colibri2Namespace.dtls, attributes: attributes, text: value)
    }
}

extension String {
    /// The string without leading and trailing whitespace and newlines.
    func trimmingWhitespace() -> String {
        String(drop { $0.isWhitespace }.reversed().drop { $0.isWhitespace }.reversed())
    }
}

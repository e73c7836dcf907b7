/// One XML element with its namespace, attributes, text and children: the tree the streaming
/// parser produces for each stanza, and the tree Colibri2 and XMPP code build replies from.
///
/// Attributes keep their document order so that serialising a parsed element is stable.
public struct XMLElement: Sendable, Equatable {
    /// The local name, without prefix.
    public var name: String
    /// The namespace URI. In trees built in code, nil means "the parent's namespace" (stanzas
    /// inherit `jabber:client`); parsed elements always carry their resolved namespace, with ""
    /// for none (`xmlns=""`).
    public var namespace: String?
    /// Attributes in document order (unprefixed names; `xmlns` is carried in `namespace`).
    public var attributes: [(name: String, value: String)]
    /// Child elements in document order.
    public var children: [XMLElement]
    /// Concatenated character data directly inside this element.
    public var text: String

    /// Creates an element.
    public init(
        _ name: String,
        namespace: String? = nil,
        attributes: [(name: String, value: String)] = [],
        children: [XMLElement] = [],
        text: String = ""
    ) {
        self.name = name
        self.namespace = namespace
        self.attributes = attributes
        self.children = children
        self.text = text
    }

    /// The value of attribute `name`, if present.
    public func attribute(_ name: String) -> String? {
        attributes.first { $0.name == name }?.value
    }

    /// Sets (or with nil, removes) attribute `name`, keeping its position if present.
    public mutating func setAttribute(_ name: String, _ value: String?) {
        if let index = attributes.firstIndex(where: { $0.name == name }) {
            if let value { attributes[index].value = value } else { attributes.remove(at: index) }
        } else if let value {
            attributes.append((name, value))
        }
    }

    /// The first child called `name` (in `namespace`, when given).
    public func child(_ name: String, namespace: String? = nil) -> XMLElement? {
        children.first { $0.name == name && (namespace == nil || $0.namespace == namespace) }
    }

    /// Every child called `name` (in `namespace`, when given).
    public func children(_ name: String, namespace: String? = nil) -> [XMLElement] {
        children.filter { $0.name == name && (namespace == nil || $0.namespace == namespace) }
    }

    public static func == (lhs: XMLElement, rhs: XMLElement) -> Bool {
        lhs.name == rhs.name && lhs.namespace == rhs.namespace && lhs.text == rhs.text
            && lhs.children == rhs.children
            && lhs.attributes.map(\.name) == rhs.attributes.map(\.name)
            && lhs.attributes.map(\.value) == rhs.attributes.map(\.value)
    }
}

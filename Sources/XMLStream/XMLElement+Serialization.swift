extension XMLElement {
    /// The element as XML text. `xmlns` is written wherever the namespace differs from the
    /// parent's, so a subtree serialised alone is still self-describing; an element in no
    /// namespace ("") under a namespaced parent gets `xmlns=""`, a nil one inherits.
    public func xmlString(parentNamespace: String? = nil) -> String {
        var out = ""
        write(to: &out, parentNamespace: parentNamespace)
        return out
    }

    private func write(to out: inout String, parentNamespace: String?) {
        out += "<" + name
        if let namespace, namespace != (parentNamespace ?? "") {
            out += " xmlns=\"" + Self.escape(namespace, quote: true) + "\""
        }
        for (key, value) in attributes {
            out += " " + key + "=\"" + Self.escape(value, quote: true) + "\""
        }
        if children.isEmpty && text.isEmpty {
            out += "/>"
            return
        }
        out += ">"
        out += Self.escape(text, quote: false)
        for child in children { child.write(to: &out, parentNamespace: namespace ?? parentNamespace) }
        out += "</" + name + ">"
    }

    /// Escapes the five XML special characters (quotes only inside attribute values).
    public static func escape(_ text: String, quote: Bool) -> String {
        guard text.contains(where: { $0 == "&" || $0 == "<" || $0 == ">" || $0 == "\"" || $0 == "'" }) else { return text }
        var out = ""
        out.reserveCapacity(text.utf8.count + 8)
        for ch in text {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"" where quote: out += "&quot;"
            case "'" where quote: out += "&apos;"
            default: out.append(ch)
            }
        }
        return out
    }
}

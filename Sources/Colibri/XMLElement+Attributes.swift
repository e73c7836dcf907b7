import XMLStream

/// Typed attribute access with Colibri2's rules: booleans are true only for "true" (any case,
/// as Java's `Boolean.parseBoolean`), and a number that is present but unparsable is a
/// bad request rather than a silently wrong value.
extension XMLElement {
    /// True if attribute `name` is "true" (case-insensitive).
    func flag(_ name: String) -> Bool {
        attribute(name)?.lowercased() == "true"
    }

    /// The integer in attribute `name`, nil if absent; throws bad-request if it does not parse
    /// or does not fit `T`.
    func integer<T: FixedWidthInteger>(_ name: String, as type: T.Type = T.self) throws(Colibri2Error) -> T? {
        guard let text = attribute(name) else { return nil }
        guard let value = T(text) else {
            throw .badRequest("Invalid \(name) \"\(text.prefix(32))\" in <\(self.name)>")
        }
        return value
    }

    /// Attribute `name`, which must be present and not blank.
    func required(_ name: String) throws(Colibri2Error) -> String {
        guard let value = attribute(name), !value.allSatisfy(\.isWhitespace) else {
            throw .badRequest("Missing \(name) in <\(self.name)>")
        }
        return value
    }

}

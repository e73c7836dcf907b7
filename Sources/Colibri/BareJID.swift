/// The check JVB makes on a conference `name` (Smack's `JidCreate.entityBareFrom`, RFC 7622):
/// `local@domain`, both parts present, no resource.
enum BareJID {
    /// Characters RFC 7622 §3.3.1 forbids in a localpart.
    private static let forbiddenInLocalpart: Set<Character> = ["\"", "&", "'", "/", ":", "<", ">", "@"]

    /// True if `text` is a bare JID with a localpart.
    static func isValid(_ text: String) -> Bool {
        guard let at = text.firstIndex(of: "@") else { return false }
        let local = text[..<at]
        let domain = text[text.index(after: at)...]
        guard (1...1023).contains(local.utf8.count), (1...1023).contains(domain.utf8.count),
            !domain.hasPrefix("."), !domain.contains("..")
        else { return false }
        return !local.contains { forbiddenInLocalpart.contains($0) || isSpaceOrControl($0) }
            && !domain.contains { $0 == "@" || $0 == "/" || isSpaceOrControl($0) }
    }

    private static func isSpaceOrControl(_ character: Character) -> Bool {
        character.isWhitespace || character.unicodeScalars.contains { $0.properties.generalCategory == .control }
    }
}

/// An XMPP address `[local@]domain[/resource]` (RFC 7622), split but not normalised:
/// bare-JID comparison lowercases ASCII, which is what jicoco's brewery check needs.
public struct JID: Sendable, Hashable, CustomStringConvertible {
    /// The localpart (user or room name), if any.
    public var local: String?
    /// The domainpart.
    public var domain: String
    /// The resourcepart (client resource or MUC nickname), if any.
    public var resource: String?

    /// Creates a JID from its parts.
    public init(local: String?, domain: String, resource: String? = nil) {
        self.local = local
        self.domain = domain
        self.resource = resource
    }

    /// Parses `text`; nil if a part that is present is empty or the domain is missing.
    public init?(_ text: String) {
        // RFC 7622 §3.1: the resource starts at the first "/", the localpart ends at the first
        // "@" before it.
        let slash = text.firstIndex(of: "/")
        let head = text[..<(slash ?? text.endIndex)]
        let resource = slash.map { text[text.index(after: $0)...] }
        let at = head.firstIndex(of: "@")
        let local = at.map { head[..<$0] }
        let domain = at.map { head[head.index(after: $0)...] } ?? head
        guard !domain.isEmpty, local?.isEmpty != true, resource?.isEmpty != true else { return nil }
        self.local = local.map(String.init)
        self.domain = String(domain)
        self.resource = resource.map(String.init)
    }

    /// The JID without its resource.
    public var bare: JID { JID(local: local, domain: domain) }

    /// True if both bare JIDs are equal, ignoring ASCII case (as JVB compares brewery JIDs).
    public func hasSameBare(as other: JID) -> Bool {
        local?.lowercased() == other.local?.lowercased() && domain.lowercased() == other.domain.lowercased()
    }

    /// `local@domain/resource`.
    public var description: String {
        (local.map { $0 + "@" } ?? "") + domain + (resource.map { "/" + $0 } ?? "")
    }
}

public import XMLStream

/// The brewery room a bridge joins (`JVB_BREWERY_MUC@XMPP_INTERNAL_MUC_DOMAIN`) and its
/// nickname (`JVB_MUC_NICKNAME`), whose occupant JID is the bridge's identity for jicofo.
public struct BreweryRoom: Sendable, Hashable {
    /// The room's bare JID, e.g. `jvbbrewery@internal-muc.meet.jitsi`.
    public var room: JID
    /// The nickname, unique among bridges.
    public var nickname: String

    /// Creates the room from the environment's parts.
    public init(name: String, mucDomain: String, nickname: String) {
        room = JID(local: name, domain: mucDomain)
        self.nickname = nickname
    }

    /// `room@domain/nickname`: where the presence goes and where jicofo sends IQs.
    public var occupantJID: JID { JID(local: room.local, domain: room.domain, resource: nickname) }
}

/// Builds the bridge's MUC presences (docs/colibri2.md §1.3–1.4):
///
///     <presence to="jvbbrewery@internal-muc.meet.jitsi/jvb-01">
///       <x xmlns="http://jabber.org/protocol/muc"/>          (join only)
///       <stats xmlns="http://jitsi.org/protocol/colibri">
///         <stat name="stress_level" value="0.05"/> …
///       </stats>
///     </presence>
public enum BreweryPresence {
    /// The presence carrying `stats`; with `join`, the XEP-0045 `<x/>` that makes it a join.
    /// Send one with `join: true` after every `.ready`, then one without every 5 s.
    public static func element(room: BreweryRoom, stats: BridgePresenceStats, join: Bool) -> XMLElement {
        var presence = XMLElement("presence", attributes: [("to", room.occupantJID.description)])
        if join { presence.children.append(XMLElement("x", namespace: XMPPNamespace.muc)) }
        let statElements = stats.statPairs.map { XMLElement("stat", attributes: [("name", $0.name), ("value", $0.value)]) }
        presence.children.append(XMLElement("stats", namespace: XMPPNamespace.colibriStats, children: statElements))
        return presence
    }

    /// Leaves the room (for shutdown): jicofo then re-invites the bridge's participants elsewhere.
    public static func leave(room: BreweryRoom) -> XMLElement {
        XMLElement("presence", attributes: [("to", room.occupantJID.description), ("type", "unavailable")])
    }
}

public import Bridge
public import XMLStream
public import XMPP

/// What the shard does with one stanza from its XMPP connection.
public enum BreweryAction: Equatable {
    /// Send this stanza back (health, version, errors).
    case reply(XMLElement)
    /// Run this `<conference-modify>` on the media loop, then answer `request` with the outcome.
    case colibri(XMLElement, IQRequest)
    /// The room echoed our own presence: we are in the brewery.
    case joined
    /// The room refused or dropped us (the condition or reason).
    case left(String)
    /// Nothing to do.
    case none
}

/// Answers what arrives from the brewery connection (docs/colibri2.md §1.3–1.5): the sans-IO
/// half of an XMPP shard, so every rule here is tested without sockets.
public struct BreweryResponder: Sendable {
    let room: BreweryRoom
    let router: IQRouter

    /// A responder for our occupant in `room`.
    public init(room: BreweryRoom) {
        self.room = room
        router = IQRouter(breweries: [room.room])
    }

    /// The action for `stanza`; `healthy` answers health checks.
    public func handle(_ stanza: XMLElement, healthy: Bool) -> BreweryAction {
        if stanza.name == "presence" { return presence(stanza) }
        switch router.route(stanza) {
        case .colibri(let payload, let request):
            return .colibri(payload, request)
        case .healthCheck(let request):
            // JVB answers internal-server-error when unhealthy: jicofo then moves the conferences.
            return .reply(healthy ? IQReply.result(to: request) : IQReply.error(to: request, condition: .internalServerError))
        case .version(let request):
            return .reply(IQReply.version(to: request, name: BridgeVersion.name, version: BridgeVersion.version, os: "Linux"))
        case .forbidden(let request):
            return .reply(IQReply.error(to: request, condition: .forbidden))
        case .serviceUnavailable(let request):
            return .reply(IQReply.error(to: request, condition: .serviceUnavailable))
        case .ignore:
            return .none
        }
    }

    /// The IQ answering a Colibri2 request with the engine's outcome.
    public static func reply(to request: IQRequest, outcome: ColibriOutcome) -> XMLElement {
        switch outcome {
        case .success(let modified): IQReply.result(to: request, payload: modified)
        case .failure(let error, _): IQReply.error(to: request, error: error)
        }
    }

    /// Only our own occupant's presence matters: the echo of our join, or an error or removal.
    private func presence(_ stanza: XMLElement) -> BreweryAction {
        guard let from = stanza.attribute("from").flatMap(JID.init), from.hasSameBare(as: room.room),
            from.resource == room.nickname
        else { return .none }
        switch stanza.attribute("type") {
        case nil:
            return .joined
        case "error":
            let condition = stanza.child("error")?.children.first?.name ?? "unknown error"
            return .left(condition)
        case "unavailable":
            return .left("removed from the room")
        default:
            return .none
        }
    }
}

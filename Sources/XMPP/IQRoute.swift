public import XMLStream

/// Where an incoming stanza goes (docs/colibri2.md §1.5).
public enum IQRoute: Sendable, Equatable {
    /// A `<conference-modify xmlns="jitsi:colibri2">` (type get or set) for the Colibri2 handler,
    /// which must keep one conference's requests in order.
    case colibri(XMLElement, replyTo: IQRequest)
    /// jicofo's health check: answer result if healthy, `internal-server-error` otherwise.
    case healthCheck(IQRequest)
    /// A `jabber:iq:version` query: answer with `IQReply.version`.
    case version(IQRequest)
    /// A request whose bare `from` is not a brewery room: answer `forbidden`.
    case forbidden(IQRequest)
    /// Any other request: answer `service-unavailable`.
    case serviceUnavailable(IQRequest)
    /// Not a request (presence, message, IQ result or error, or an IQ without id): no answer.
    case ignore
}

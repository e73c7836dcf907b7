public import Primitives
import XMLStream

/// Timers: the login deadline, XEP-0199 keepalive pings and the close deadline.
extension XMPPClientConnection {
    /// When `handleTimeout(now:)` must be called next, or nil if nothing is scheduled.
    public func nextDeadline() -> Instant? {
        let ping = pendingPingID == nil ? nextPingAt : pingDeadline
        return phaseDeadline.earliest(ping)
    }

    /// Advances the timers to `now`: fails a login or ping that took too long, sends due pings.
    public func handleTimeout(now: Instant) {
        self.now = max(self.now, now)
        if let phaseDeadline, phaseDeadline <= now {
            if case .closing = phase { return finish(.closed) }
            return fail(.loginTimeout, closeStream: true)
        }
        guard case .ready = phase else { return }
        if pendingPingID != nil {
            if let pingDeadline, pingDeadline <= now { fail(.pingTimeout, closeStream: true) }
            return
        }
        guard let nextPingAt, nextPingAt <= now else { return }
        pingCount &+= 1
        let id = "ping-\(pingCount)"
        let ping = XMLElement("ping", namespace: XMPPNamespace.ping)
        write(XMLElement("iq", attributes: [("type", "get"), ("id", id), ("to", configuration.domain)], children: [ping]))
        pendingPingID = id
        pingDeadline = now.adding(milliseconds: configuration.pingTimeoutMilliseconds)
        self.nextPingAt = now.adding(milliseconds: configuration.pingIntervalMilliseconds)
    }

    /// Consumes ping traffic: the answer to our ping (result, or any error, which still proves
    /// the server is alive) and pings from our server, which are answered here. Returns false for
    /// every other stanza.
    func handlePing(_ stanza: XMLElement) -> Bool {
        guard stanza.name == "iq", let id = stanza.attribute("id") else { return false }
        let type = stanza.attribute("type")
        if id == pendingPingID, type == "result" || type == "error" {
            pendingPingID = nil
            pingDeadline = nil
            return true
        }
        guard type == "get", stanza.child("ping", namespace: XMPPNamespace.ping) != nil else { return false }
        let from = stanza.attribute("from")
        guard from == nil || from.flatMap(JID.init)?.hasSameBare(as: JID(local: nil, domain: configuration.domain)) == true
        else { return false }
        var reply = XMLElement("iq", attributes: [("type", "result"), ("id", id)])
        reply.setAttribute("to", from)
        write(reply)
        return true
    }
}

import Primitives
import XMLStream

/// Stream features, STARTTLS, SASL and binding (RFC 6120 §5–7), in the order prosody offers them.
extension XMPPClientConnection {
    /// The shell finished the TLS handshake after `.startTLS`: the stream restarts inside TLS.
    public func tlsEstablished() {
        guard case .awaitingTLS = phase else { return }
        tlsActive = true
        restartStream()
    }

    func handleFeatures(_ stanza: XMLElement) {
        guard stanza.name == "features", stanza.namespace == XMPPNamespace.stream else {
            return fail(.protocolViolation("expected <stream:features>, got <\(stanza.name)>"), closeStream: true)
        }
        if !tlsActive {
            let startTLS = stanza.child("starttls", namespace: XMPPNamespace.tls)
            switch (configuration.tls, startTLS) {
            case (.required, nil):
                return fail(.tlsUnavailable, closeStream: true)
            case (.required, _?), (.ifPossible, _?):
                write(XMLElement("starttls", namespace: XMPPNamespace.tls))
                phase = .awaitingProceed
                return
            case (.disabled, let offer?) where offer.child("required") != nil:
                return fail(.tlsRequiredByServer, closeStream: true)
            case (.disabled, _), (.ifPossible, nil):
                break
            }
        }
        if !authenticated {
            return startSASL(offered: stanza.child("mechanisms", namespace: XMPPNamespace.sasl))
        }
        guard stanza.child("bind", namespace: XMPPNamespace.bind) != nil else {
            return fail(.bindFailed(condition: "bind not offered"), closeStream: true)
        }
        let session = stanza.child("session", namespace: XMPPNamespace.session)
        sessionRequired = session != nil && session?.child("optional") == nil
        var bind = XMLElement("bind", namespace: XMPPNamespace.bind)
        if let resource = configuration.resource {
            bind.children.append(XMLElement("resource", namespace: XMPPNamespace.bind, text: resource))
        }
        write(XMLElement("iq", attributes: [("type", "set"), ("id", Self.bindID)], children: [bind]))
        phase = .binding
    }

    func handleTLSAnswer(_ stanza: XMLElement) {
        guard stanza.namespace == XMPPNamespace.tls, stanza.name == "proceed" else {
            // <failure xmlns=…tls> means the server closes the stream next (RFC 6120 §5.4.2.2).
            return fail(.protocolViolation("STARTTLS refused with <\(stanza.name)>"), closeStream: true)
        }
        phase = .awaitingTLS
        events.append(.startTLS)
    }

    private func startSASL(offered mechanismsElement: XMLElement?) {
        let offered = mechanismsElement?.children("mechanism").map(\.text) ?? []
        let credentials = configuration.credentials
        if offered.contains("SCRAM-SHA-1") {
            let client = SCRAMSHA1Client(
                username: credentials.username, password: credentials.password, clientNonce: clientNonce,
                iterationRange: configuration.scramIterationRange
            )
            writeAuth(mechanism: "SCRAM-SHA-1", payload: client.clientFirstMessage)
            phase = .authenticating(.scramAwaitingServerFirst(client))
        } else if offered.contains("PLAIN"), tlsActive || configuration.allowsPlainWithoutTLS {
            writeAuth(
                mechanism: "PLAIN",
                payload: SASLPlain.initialResponse(username: credentials.username, password: credentials.password)
            )
            phase = .authenticating(.plain)
        } else {
            fail(.noUsableMechanism(offered: offered), closeStream: true)
        }
    }

    /// `<auth mechanism=…>` with the initial response (RFC 6120 §6.4.2).
    private func writeAuth(mechanism: String, payload: [UInt8]) {
        let auth = XMLElement(
            "auth", namespace: XMPPNamespace.sasl, attributes: [("mechanism", mechanism)], text: Base64.encode(payload)
        )
        write(auth)
    }

    func handleSASL(_ stanza: XMLElement, step: SASLStep) {
        guard stanza.namespace == XMPPNamespace.sasl else {
            return fail(.protocolViolation("<\(stanza.name)> during SASL"), closeStream: true)
        }
        switch stanza.name {
        case "challenge":
            handleChallenge(stanza, step: step)
        case "success":
            handleSuccess(stanza, step: step)
        case "failure":
            let condition = stanza.children.first { $0.name != "text" }?.name ?? "undefined"
            fail(.authenticationFailed(condition: condition), closeStream: true)
        default:
            fail(.protocolViolation("<\(stanza.name)> during SASL"), closeStream: true)
        }
    }

    private func handleChallenge(_ stanza: XMLElement, step: SASLStep) {
        do throws(SASLError) {
            let payload = try Self.saslPayload(stanza)
            switch step {
            case .scramAwaitingServerFirst(var client):
                let final = try client.clientFinalMessage(serverFirst: payload)
                write(XMLElement("response", namespace: XMPPNamespace.sasl, text: Base64.encode(final)))
                phase = .authenticating(.scramAwaitingServerFinal(client))
            case .scramAwaitingServerFinal(let client):
                // Some servers send v= in a challenge and an empty <success/> after the reply.
                try client.verifyServerFinal(payload)
                write(XMLElement("response", namespace: XMPPNamespace.sasl))
                phase = .authenticating(.scramVerified)
            case .plain, .scramVerified:
                throw .unexpectedMessage
            }
        } catch {
            abortSASL(error)
        }
    }

    private func handleSuccess(_ stanza: XMLElement, step: SASLStep) {
        do throws(SASLError) {
            let payload = try Self.saslPayload(stanza)
            switch step {
            case .scramAwaitingServerFinal(let client):
                guard !payload.isEmpty else { throw .missingServerSignature }
                try client.verifyServerFinal(payload)
            case .scramAwaitingServerFirst:
                throw .missingServerSignature
            case .plain, .scramVerified:
                break
            }
        } catch {
            return abortSASL(error)
        }
        authenticated = true
        restartStream()
    }

    /// RFC 6120 §6.4.5: the client aborts with `<abort/>`; the stream is closed right after,
    /// since a server that failed its own proof must not get another attempt.
    private func abortSASL(_ error: SASLError) {
        write(XMLElement("abort", namespace: XMPPNamespace.sasl))
        fail(.sasl(error), closeStream: true)
    }

    func handleBindResult(_ stanza: XMLElement) {
        guard stanza.name == "iq", stanza.attribute("id") == Self.bindID else { return }
        guard stanza.attribute("type") == "result" else {
            return fail(.bindFailed(condition: Self.stanzaErrorCondition(stanza)), closeStream: true)
        }
        let text = stanza.child("bind", namespace: XMPPNamespace.bind)?.child("jid")?.text ?? ""
        guard let jid = JID(text), jid.resource != nil else {
            return fail(.bindFailed(condition: "no full JID in bind result"), closeStream: true)
        }
        guard sessionRequired else { return becomeReady(jid) }
        let session = XMLElement("session", namespace: XMPPNamespace.session)
        write(XMLElement("iq", attributes: [("type", "set"), ("id", Self.sessionID)], children: [session]))
        phase = .establishingSession(jid)
    }

    func handleSessionResult(_ stanza: XMLElement, jid: JID) {
        guard stanza.name == "iq", stanza.attribute("id") == Self.sessionID else { return }
        guard stanza.attribute("type") == "result" else {
            return fail(.bindFailed(condition: Self.stanzaErrorCondition(stanza)), closeStream: true)
        }
        becomeReady(jid)
    }

    private func becomeReady(_ jid: JID) {
        phase = .ready(jid)
        phaseDeadline = nil
        nextPingAt = now.adding(milliseconds: configuration.pingIntervalMilliseconds)
        events.append(.ready(jid))
    }

    /// Restarts the stream after TLS or SASL (RFC 6120 §5.4.3.3, §6.4.6): fresh parser, new header.
    private func restartStream() {
        do {
            parser = try XMLStreamParser(limits: configuration.limits)
        } catch {
            return fail(.xml(error), closeStream: false)
        }
        openStream()
    }

    /// Decodes a SASL element's base64 text; empty text and "=" both mean no data (RFC 6120 §6.4.2).
    private static func saslPayload(_ stanza: XMLElement) throws(SASLError) -> [UInt8] {
        let text = stanza.text.filter { !$0.isWhitespace }
        if text.isEmpty || text == "=" { return [] }
        guard let bytes = Base64.decode(text) else { throw .invalidBase64 }
        return bytes
    }

    /// The defined condition of an `<iq type="error">`, or "undefined-condition".
    static func stanzaErrorCondition(_ stanza: XMLElement) -> String {
        stanza.child("error")?.children.first { $0.namespace == XMPPNamespace.stanzaErrors && $0.name != "text" }?
            .name ?? "undefined-condition"
    }

    static let bindID = "bind-1"
    static let sessionID = "session-1"
}

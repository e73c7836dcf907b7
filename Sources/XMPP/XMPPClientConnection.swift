public import Primitives
public import XMLStream

/// The sans-IO client side of one c2s stream (RFC 6120): stream open, STARTTLS, SASL
/// (SCRAM-SHA-1 preferred, PLAIN only inside TLS), resource binding, then stanzas both ways and
/// XEP-0199 keepalive pings.
///
/// The shell owns the socket and TLS. It calls `start(now:)`, then loops:
/// write everything `pollOutput()` returns, act on every `pollEvent()`, pass received bytes to
/// `handleBytes(_:now:)`, and call `handleTimeout(now:)` when `nextDeadline()` passes.
/// One instance serves one TCP connection; a reconnect makes a new one.
public final class XMPPClientConnection {
    /// Where the login stands.
    enum Phase {
        case idle
        /// Stream header sent; waiting for the server's header and features.
        case awaitingFeatures
        /// `<starttls/>` sent.
        case awaitingProceed
        /// `<proceed/>` received; the shell is doing the TLS handshake.
        case awaitingTLS
        case authenticating(SASLStep)
        /// Bind IQ sent.
        case binding
        /// RFC 3921 session IQ sent (only for servers that mark it mandatory).
        case establishingSession(JID)
        case ready(JID)
        /// `</stream:stream>` sent by `close()`.
        case closing
        /// Failed or closed; nothing more happens.
        case finished
    }

    /// The SASL exchange in progress.
    enum SASLStep {
        case plain
        case scramAwaitingServerFirst(SCRAMSHA1Client)
        case scramAwaitingServerFinal(SCRAMSHA1Client)
        /// `v=` arrived in a challenge and checked out; only `<success/>` may follow.
        case scramVerified
    }

    /// This connection's settings.
    public let configuration: XMPPClientConfiguration
    let clientNonce: String
    var parser: XMLStreamParser
    var phase: Phase = .idle
    var tlsActive = false
    var authenticated = false
    var sessionRequired = false
    var output: [UInt8] = []
    var events: [XMPPEvent] = []
    var now: Instant = .zero
    /// Login or close deadline.
    var phaseDeadline: Instant?
    var nextPingAt: Instant?
    var pingDeadline: Instant?
    var pendingPingID: String?
    var pingCount: UInt64 = 0

    /// Creates a connection. `clientNonce` is for tests; by default a random SCRAM nonce is drawn.
    public init(configuration: XMPPClientConfiguration, clientNonce: String? = nil) throws(XMPPError) {
        self.configuration = configuration
        if let clientNonce {
            self.clientNonce = clientNonce
        } else {
            do { self.clientNonce = try SCRAMSHA1Client.randomNonce() } catch { throw .sasl(error) }
        }
        do { parser = try XMLStreamParser(limits: configuration.limits) } catch { throw .xml(error) }
    }

    /// Opens the stream: the header is ready in `pollOutput()`.
    public func start(now: Instant) {
        guard case .idle = phase else { return }
        self.now = now
        phaseDeadline = now.adding(milliseconds: configuration.loginTimeoutMilliseconds)
        openStream()
    }

    /// The next bytes to write to the socket (inside TLS once `tlsEstablished()` was called).
    public func pollOutput() -> [UInt8]? {
        guard !output.isEmpty else { return nil }
        var bytes: [UInt8] = []
        swap(&bytes, &output)
        return bytes
    }

    /// The next event, oldest first.
    public func pollEvent() -> XMPPEvent? {
        events.isEmpty ? nil : events.removeFirst()
    }

    /// True once the connection has failed or closed.
    public var isFinished: Bool {
        if case .finished = phase { return true }
        return false
    }

    /// Sends a stanza (written with `jabber:client` as the default namespace). Returns false,
    /// sending nothing, unless the connection is ready.
    @discardableResult
    public func send(_ stanza: XMLElement) -> Bool {
        guard case .ready = phase else { return false }
        write(stanza)
        return true
    }

    /// Closes the stream politely; `.closed` follows when the server closes its side or after
    /// `closeTimeoutMilliseconds`.
    public func close(now: Instant) {
        switch phase {
        case .idle, .finished, .closing:
            return
        case .awaitingTLS:
            finish(.closed)
        default:
            writeText("</stream:stream>")
            self.now = now
            phase = .closing
            pingDeadline = nil
            nextPingAt = nil
            phaseDeadline = now.adding(milliseconds: configuration.closeTimeoutMilliseconds)
        }
    }

    /// Feeds bytes read from the socket (decrypted, once TLS is up).
    public func handleBytes(_ bytes: [UInt8], now: Instant) {
        self.now = max(self.now, now)
        var start = 0
        while start < bytes.count {
            switch phase {
            case .idle, .finished:
                return
            case .awaitingTLS:
                // RFC 6120 §5.4.3.3: nothing may follow <proceed/> in plaintext. Processing it
                // after the handshake would let an attacker inject stanzas (CVE-2011-0411 class).
                return fail(.dataAfterProceed, closeStream: false)
            default:
                break
            }
            // Until ready, a stream restart (after <proceed/> or SASL <success/>) may follow any
            // tag, so input is fed one tag at a time: no byte of the new stream may reach the
            // old parser. Every tag ends in ">", so feeding up to each ">" finds every boundary.
            let end = isLoggingIn
                ? (bytes[start...].firstIndex(of: UInt8(ascii: ">")).map { $0 + 1 } ?? bytes.count) : bytes.count
            let parsed: [XMLStreamEvent]
            do {
                parsed = try start == 0 && end == bytes.count ? parser.feed(bytes) : parser.feed(Array(bytes[start..<end]))
            } catch {
                return failXML(error)
            }
            start = end
            for event in parsed {
                handle(event)
                if isFinished { return }
            }
        }
    }

    private var isLoggingIn: Bool {
        switch phase {
        case .ready, .closing: false
        default: true
        }
    }

    private func handle(_ event: XMLStreamEvent) {
        switch event {
        case .streamOpened(let root):
            guard root.name == "stream", root.namespace == XMPPNamespace.stream else {
                return fail(.protocolViolation("stream root is not <stream:stream>"), sendStreamError: "invalid-namespace")
            }
        case .stanza(let stanza):
            if stanza.name == "error", stanza.namespace == XMPPNamespace.stream {
                return fail(Self.streamError(stanza), closeStream: true)
            }
            handle(stanza)
        case .streamClosed:
            switch phase {
            case .ready, .closing:
                if case .ready = phase { writeText("</stream:stream>") }
                finish(.closed)
            default:
                fail(.protocolViolation("server closed the stream during login"), closeStream: true)
            }
        }
    }

    private func handle(_ stanza: XMLElement) {
        switch phase {
        case .awaitingFeatures:
            handleFeatures(stanza)
        case .awaitingProceed:
            handleTLSAnswer(stanza)
        case .authenticating(let step):
            handleSASL(stanza, step: step)
        case .binding:
            handleBindResult(stanza)
        case .establishingSession(let jid):
            handleSessionResult(stanza, jid: jid)
        case .ready:
            if handlePing(stanza) { return }
            events.append(.stanza(stanza))
        case .closing:
            // Stanzas still in flight after our close are dropped.
            return
        case .idle, .awaitingTLS, .finished:
            return
        }
    }

    /// The `<stream:error>` condition and text.
    static func streamError(_ element: XMLElement) -> XMPPError {
        let condition = element.children.first { $0.namespace == XMPPNamespace.streamErrors && $0.name != "text" }
        let text = element.child("text", namespace: XMPPNamespace.streamErrors)?.text
        return .streamError(condition: condition?.name ?? "undefined-condition", text: text)
    }
}

import Bridge
import Logging
import NIOCore
import NIOPosix
import NIOSSL
import Primitives
import XMLStream
import XMPP

/// One XMPP connection to one server (a "shard"): log in, join the brewery, publish presence,
/// serve IQs, and reconnect with backoff when the connection is lost.
///
/// The protocol lives in `XMPPClientConnection` and `BreweryResponder`; this class only moves
/// bytes and timers. Every member is touched on `eventLoop` only, which is what makes the
/// `@unchecked Sendable` sound.
final class XMPPShard: @unchecked Sendable {
    let server: ServerAddress
    let settings: XMPPSettings
    private let credentials: XMPPCredentials
    let eventLoop: any EventLoop
    private let loop: MediaLoop
    private let operations: BridgeOperations
    private let responder: BreweryResponder
    private let presenceStats: @Sendable () -> BridgePresenceStats
    private let tlsContext: NIOSSLContext
    private let logger: Logger

    /// Delay after a connection that was lost or failed to log in: 1 s doubling to 30 s, so a
    /// server that refuses us (bad password, stream errors) is not hammered.
    private var backoff = ReconnectBackoff()
    /// Delay after a TCP connect that failed (server down or restarting). A refused connect costs
    /// the server nothing, and retrying every second (Smack's fixed delay in jicoco) brings the
    /// bridge back into the brewery within about a second of the server listening again.
    static let connectRetryMilliseconds: Int64 = 1_000
    private var generation = 0
    private var channel: (any Channel)?
    private var connection: XMPPClientConnection?
    private var ready = false
    private var failedConnects = 0
    private var joined = false
    private var stopping = false
    private var stopPromise: EventLoopPromise<Void>?
    private var timeoutTask: Scheduled<Void>?
    private var reconnectTask: Scheduled<Void>?
    private var presenceTask: RepeatedTask?

    init(
        server: ServerAddress, settings: XMPPSettings, credentials: XMPPCredentials, eventLoop: any EventLoop,
        loop: MediaLoop,
        operations: BridgeOperations, presenceStats: @escaping @Sendable () -> BridgePresenceStats, logger: Logger
    ) throws {
        self.server = server
        self.settings = settings
        self.credentials = credentials
        self.eventLoop = eventLoop
        self.loop = loop
        self.operations = operations
        self.presenceStats = presenceStats
        responder = BreweryResponder(room: settings.brewery)
        var tls = TLSConfiguration.makeClientConfiguration()
        if !settings.verifyCertificate { tls.certificateVerification = .none }
        tlsContext = try NIOSSLContext(configuration: tls)
        var logger = logger
        logger[metadataKey: "xmpp"] = "\(server)"
        self.logger = logger
    }

    /// Connects, and keeps reconnecting until `stop`.
    func start() {
        eventLoop.execute {
            let interval = TimeAmount.seconds(self.settings.presenceInterval)
            self.presenceTask = self.eventLoop.scheduleRepeatedTask(initialDelay: interval, delay: interval) { _ in
                self.sendPresence()
            }
            self.connect()
        }
    }

    /// Publishes presence now (drain or shutdown changed); safe from any thread.
    func presenceChanged() {
        eventLoop.execute { self.sendPresence() }
    }

    /// Leaves the brewery, closes the stream (bounded by two seconds) and stops reconnecting.
    func stop() -> EventLoopFuture<Void> {
        eventLoop.flatSubmit {
            self.stopping = true
            self.reconnectTask?.cancel()
            self.presenceTask?.cancel()
            guard let channel = self.channel, let connection = self.connection else {
                return self.eventLoop.makeSucceededVoidFuture()
            }
            let promise = self.eventLoop.makePromise(of: Void.self)
            self.stopPromise = promise
            if self.ready {
                connection.send(BreweryPresence.leave(room: self.settings.brewery))
                self.logger.info("leaving the brewery")
            }
            connection.close(now: MonotonicClock.now())
            self.process()
            self.eventLoop.scheduleTask(in: .seconds(2)) { channel.close(promise: nil) }
            return promise.futureResult
        }
    }

    // MARK: Connection lifecycle (event loop)

    private var clientConfiguration: XMPPClientConfiguration {
        XMPPClientConfiguration(
            domain: settings.domain,
            credentials: credentials,
            // jicoco: STARTTLS is mandatory except towards a local server, where it is used if offered.
            tls: server.isLoopback ? .ifPossible : .required
        )
    }

    private func connect() {
        guard !stopping else { return }
        generation += 1
        let generation = generation
        do {
            connection = try XMPPClientConnection(configuration: clientConfiguration)
        } catch {
            logger.error("cannot create an XMPP connection: \(error)")
            return scheduleReconnect()
        }
        logger.debug("connecting")
        ClientBootstrap(group: eventLoop)
            .connectTimeout(.seconds(10))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(XMPPChannelHandler(shard: self, generation: generation))
                }
            }
            .connect(host: server.host, port: server.port)
            .whenFailure { error in
                guard generation == self.generation else { return }
                // One warning per outage (and a reminder every minute), not one per second.
                let level: Logger.Level = self.failedConnects % 60 == 0 ? .warning : .debug
                self.failedConnects += 1
                self.logger.log(level: level, "cannot connect (attempt \(self.failedConnects)): \(error)")
                self.scheduleReconnect(afterMilliseconds: Self.connectRetryMilliseconds)
            }
    }

    func connectionActive(_ channel: any Channel, generation: Int) {
        guard generation == self.generation, let connection else { return }
        guard !stopping else { return channel.close(promise: nil) }
        self.channel = channel
        connection.start(now: MonotonicClock.now())
        process()
    }

    func received(_ bytes: [UInt8], generation: Int) {
        guard generation == self.generation, let connection else { return }
        connection.handleBytes(bytes, now: MonotonicClock.now())
        process()
    }

    func tlsEstablished(generation: Int) {
        guard generation == self.generation, let connection else { return }
        connection.tlsEstablished()
        process()
    }

    func connectionError(_ error: any Error, generation: Int) {
        guard generation == self.generation else { return }
        logger.warning("XMPP connection error: \(error)")
    }

    func connectionInactive(generation: Int) {
        guard generation == self.generation else { return }
        let wasReady = ready
        setReady(false)
        channel = nil
        connection = nil
        timeoutTask?.cancel()
        if wasReady { operations.updateXMPP { $0.xmppDisconnects &+= 1 } }
        if stopping {
            stopPromise?.succeed()
            stopPromise = nil
            return
        }
        logger.warning("XMPP connection closed")
        scheduleReconnect()
    }

    private func scheduleReconnect(afterMilliseconds fixedDelay: Int64? = nil) {
        guard !stopping else { return }
        let delay = fixedDelay ?? backoff.nextDelayMilliseconds()
        logger.log(level: fixedDelay == nil ? .info : .debug, "reconnecting in \(delay) ms")
        reconnectTask = eventLoop.scheduleTask(in: .milliseconds(delay)) { self.connect() }
    }

    // MARK: Driving the sans-IO connection (event loop)

    /// Writes pending output, acts on every event, and re-arms the protocol timer.
    private func process() {
        guard let connection else { return }
        flush()
        while let event = connection.pollEvent() {
            switch event {
            case .startTLS:
                startTLS()
            case .ready(let jid):
                backoff.reset()
                failedConnects = 0
                setReady(true)
                logger.info("logged in", metadata: ["jid": "\(jid)"])
                sendPresence()
            case .stanza(let stanza):
                handle(stanza)
            case .failed(let error):
                logger.warning("XMPP session failed: \(error)")
                flush()
                channel?.close(promise: nil)
            case .closed:
                flush()
                channel?.close(promise: nil)
            }
            flush()
        }
        armTimeout()
    }

    private func flush() {
        guard let channel, let bytes = connection?.pollOutput() else { return }
        channel.writeAndFlush(ByteBuffer(bytes: bytes), promise: nil)
    }

    private func startTLS() {
        guard let channel else { return }
        do {
            // SNI and the name check use the XMPP domain, as Smack does; never an IP literal.
            let name = settings.domain.contains(where: { $0.isLetter }) ? settings.domain : nil
            let handler = try NIOSSLClientHandler(context: tlsContext, serverHostname: name)
            try channel.pipeline.syncOperations.addHandler(handler, position: .first)
        } catch {
            logger.error("cannot start TLS: \(error)")
            channel.close(promise: nil)
        }
    }

    private func armTimeout() {
        timeoutTask?.cancel()
        guard let connection, let deadline = connection.nextDeadline() else { return }
        let wait = deadline.nanoseconds(since: MonotonicClock.now())
        // The identity, not the connection: the timer only acts if the same connection is current.
        let armedFor = ObjectIdentifier(connection)
        timeoutTask = eventLoop.scheduleTask(in: .nanoseconds(Int64(clamping: wait))) {
            guard let current = self.connection, ObjectIdentifier(current) == armedFor else { return }
            current.handleTimeout(now: MonotonicClock.now())
            self.process()
        }
    }

    private func handle(_ stanza: XMLElement) {
        switch responder.handle(stanza, healthy: loop.isHealthy()) {
        case .reply(let reply):
            connection?.send(reply)
        case .colibri(let request, let iq):
            // Submitted synchronously, in arrival order: the media thread keeps that order.
            loop.submitConferenceModify(request) { outcome in
                self.eventLoop.execute {
                    self.connection?.send(BreweryResponder.reply(to: iq, outcome: outcome))
                    self.flush()
                }
            }
        case .joined:
            setJoined(true)
        case .left(let reason):
            logger.warning("not in the brewery: \(reason)")
            setJoined(false)
        case .none:
            break
        }
    }

    // MARK: Presence and bookkeeping (event loop)

    /// The stats presence; it carries the MUC join element until the room has confirmed us.
    private func sendPresence() {
        guard ready, let connection, !stopping else { return }
        connection.send(BreweryPresence.element(room: settings.brewery, stats: presenceStats(), join: !joined))
        flush()
    }

    private func setReady(_ value: Bool) {
        if !value { setJoined(false) }
        guard ready != value else { return }
        ready = value
        operations.updateXMPP { $0.xmppConnected += value ? 1 : -1 }
    }

    private func setJoined(_ value: Bool) {
        guard joined != value else { return }
        joined = value
        operations.updateXMPP { $0.breweriesJoined += value ? 1 : -1 }
        if value { logger.info("joined the brewery", metadata: ["room": "\(settings.brewery.occupantJID)"]) }
    }
}

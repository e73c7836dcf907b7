/// The process's SCTP stack for WebRTC data channels: usrsctp in no-threads mode, driven by
/// one dedicated thread that this hub owns. Every method only enqueues a command and returns;
/// the SCTP thread runs it, ticks usrsctp's timers every 10 ms while any association exists,
/// and reports through the two callbacks.
///
/// Associations are one-to-one AF_CONN sockets on port 5000 whose address is the association
/// id. The server side listens and accepts (the bridge never sends INIT, like JVB); the client
/// side connects. One association carries any number of data channels (DCEP, RFC 8832).
///
/// usrsctp keeps process-global state, so **one hub runs per process at a time**. Creating a
/// second hub while one runs is a programming error: it asserts in debug builds, and in release
/// builds the second hub is inert (`isRunning` false, methods do nothing). After `shutdown()`
/// a new hub may be created; it reuses the already initialised usrsctp stack.
public final class SCTPHub: Sendable {
    // Internal, not private: tests inject raw PPID-50 messages through it.
    let core: SCTPHubCore?
    private let thread: SCTPThread?

    /// Starts the SCTP thread.
    /// - Parameters:
    ///   - outbound: receives SCTP packets to send through DTLS for an association.
    ///   - events: receives association and channel events.
    ///
    /// Both are called on the SCTP thread; they must not block and must not wait for anything
    /// the SCTP thread does. Calling hub methods from them is fine: those only enqueue.
    public init(outbound: @escaping @Sendable (SCTPAssociationID, [UInt8]) -> Void,
                events: @escaping @Sendable (SCTPEvent) -> Void) {
        guard USRSCTPStack.claimHub() else {
            assertionFailure("one SCTPHub per process: usrsctp keeps process-global state")
            core = nil
            thread = nil
            return
        }
        let core = SCTPHubCore(outbound: outbound, events: events)
        self.core = core
        self.thread = SCTPThread.start(core)
    }

    deinit { shutdown() }

    /// False for an inert second hub; stays true after `shutdown()` has been requested.
    public var isRunning: Bool { core != nil }

    /// Drop and error counters since the hub started.
    public var counters: SCTPCounters { core?.counters.snapshot ?? SCTPCounters() }

    /// Creates a server association that waits for the peer's INIT (the bridge's role).
    /// Call it before feeding the first packet: an INIT that reaches usrsctp before the
    /// socket listens is answered with ABORT. Ids must be non-zero; reusing an open id is ignored.
    public func openServer(_ id: SCTPAssociationID) { core?.enqueue(.openServer(id)) }

    /// Creates a client association and sends INIT (tests and the load harness).
    public func openClient(_ id: SCTPAssociationID) { core?.enqueue(.openClient(id)) }

    /// Opens a reliable, ordered data channel by sending DCEP DATA_CHANNEL_OPEN on the next free
    /// stream of our parity (client: 0, 2, 4, …; server: 1, 3, …). `channelOpened` follows the ACK.
    public func openChannel(_ id: SCTPAssociationID, label: String, protocol: String) {
        core?.enqueue(.openChannel(id, label: label, protocol: `protocol`))
    }

    /// Closes one data channel by resetting its outgoing stream; `channelClosed` follows at
    /// once here and at the peer once it sees the reset.
    public func closeChannel(_ id: SCTPAssociationID, streamID: UInt16) {
        core?.enqueue(.closeChannel(id, streamID: streamID))
    }

    /// Feeds one decrypted SCTP packet (DTLS application data) for the association.
    public func handleInbound(_ id: SCTPAssociationID, packet: [UInt8]) {
        core?.enqueue(.inbound(id, packet))
    }

    /// Sends UTF-8 text (PPID 51, or 56 when empty) on the association's primary channel:
    /// the first channel that opened and is still open. Queued until one is open; messages
    /// above 256 KiB are dropped and counted.
    public func send(_ id: SCTPAssociationID, text: String) {
        let isEmpty = text.utf8.isEmpty
        send(id, ppid: isEmpty ? SCTPPayloadProtocol.stringEmpty : SCTPPayloadProtocol.string,
             bytes: isEmpty ? [0] : Array(text.utf8))
    }

    /// Sends binary data (PPID 53, or 57 when empty) like `send(_:text:)`.
    public func send(_ id: SCTPAssociationID, binary: [UInt8]) {
        let isEmpty = binary.isEmpty
        send(id, ppid: isEmpty ? SCTPPayloadProtocol.binaryEmpty : SCTPPayloadProtocol.binary,
             bytes: isEmpty ? [0] : binary)
    }

    private func send(_ id: SCTPAssociationID, ppid: UInt32, bytes: [UInt8]) {
        core?.enqueue(.send(id, ppid: ppid, bytes: bytes))
    }

    /// Aborts the association (SO_LINGER {1,0}: an ABORT goes to the peer) and forgets the id;
    /// `associationClosed` follows. The id may be opened again afterwards.
    public func close(_ id: SCTPAssociationID) { core?.enqueue(.close(id)) }

    /// Closes every association (each reports `associationClosed`), stops the SCTP thread and
    /// waits for it, unless called on the SCTP thread itself. Idempotent; later calls to the
    /// other methods are ignored.
    public func shutdown() {
        core?.requestStop()
        thread?.join()
    }
}

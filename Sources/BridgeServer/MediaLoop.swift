public import Bridge
public import Logging
import MediaLanes
public import Primitives
import Synchronization
public import XMLStream

/// The media shell: one dedicated thread that owns the `BridgeEngine` and the UDP media port.
///
/// Everything else talks to it through this handle: Colibri2 requests and SCTP traffic go in as
/// commands (a locked queue plus an eventfd wake-up, drained once per loop turn), statistics and
/// health come out through `status`. Per-packet work never takes a lock.
public final class MediaLoop: Sendable {
    /// The bound media address (with the real port if 0 was asked for).
    public let localAddress: PeerAddress
    /// Media threads: the receiving one and its lanes.
    public let mediaThreads: Int
    /// Heartbeat, statistics snapshot and exit state, readable from any thread.
    public let status: MediaLoopStatus
    private let inbox: CommandInbox
    /// The thread body, created with the socket and handed to the OS thread by `start`.
    private let pending: Mutex<MediaThread?>
    private let logger: Logger

    /// Binds the media socket and creates the engine with the bound address; `start` runs it.
    /// Binding here (not on the thread) makes a port clash fail startup with a clear error.
    public init(
        bindAddress: PeerAddress,
        mediaThreads: Int = 1,
        segmentation: Bool = true,
        receiveBatchSize: Int = 64,
        transmitCapacity: Int = 1024,
        logger: Logger,
        makeEngine: (PeerAddress) throws -> BridgeEngine
    ) throws {
        let socket = try MediaSocket(
            binding: bindAddress, receiveBatchSize: receiveBatchSize, sendBatchSize: transmitCapacity, segmentation: segmentation)
        let engine = try makeEngine(socket.localAddress)
        let inbox = try CommandInbox()
        let status = MediaLoopStatus()
        let buffers = socket.kernelBufferSizes
        logger.info("media port bound", metadata: [
            "address": "\(socket.localAddress)", "rcvbuf": "\(buffers.receive)", "sndbuf": "\(buffers.send)",
            "gso": "\(socket.segments ? "on" : segmentation ? "unsupported" : "off")",
        ])
        var lanes: MediaLanes?
        if mediaThreads > 1 {
            var outputs: [SocketLaneOutput] = []
            for _ in 1..<mediaThreads {
                guard let output = SocketLaneOutput(socket: socket, segmentation: socket.segments) else { throw MediaSocketError.batchAllocationFailed }
                outputs.append(output)
            }
            lanes = MediaLanes(count: mediaThreads, makeOutput: { outputs[$0 - 1] }) { [unowned engine] lane, queue in
                engine.fanOut(lane: lane, transmit: queue)
            }
        }
        let thread = MediaThread(
            engine: engine, socket: socket, lanes: lanes, transmitCapacity: transmitCapacity,
            inbox: inbox, status: status, logger: logger
        )
        self.localAddress = socket.localAddress
        self.mediaThreads = max(1, mediaThreads)
        self.status = status
        self.inbox = inbox
        self.logger = logger
        self.pending = Mutex(thread)
    }

    /// Starts the media thread. `events` receives every engine event except logs, on the media
    /// thread (the SCTP gateway); it must not block.
    public func start(events: @escaping @Sendable (BridgeEvent) -> Void = { _ in }) throws(MediaLoopError) {
        let handedOver = pending.withLock { slot -> Bool in
            guard let thread = slot else { return false }
            thread.eventHandler = events
            slot = nil
            var result = thread.lanes?.start(namePrefix: "meetpad-media") ?? 0
            if result == 0 { result = MediaThreadLauncher.start(thread) }
            if result != 0 {
                // Lanes already running (some or all) must not outlive a loop that never ran.
                thread.lanes?.stop()
                status.markExited()
            }
            return result == 0
        }
        guard handedOver else { throw .cannotStart }
        logger.info("media loop started", metadata: ["address": "\(localAddress)", "threads": "\(mediaThreads)"])
    }

    /// Stops the thread and waits until it has answered every queued request and exited.
    public func stop() async {
        let neverStarted = pending.withLock { slot -> Bool in
            defer { slot = nil }
            return slot != nil
        }
        if neverStarted {
            for command in inbox.close() { command.refuse() }
            status.markExited()
            return
        }
        _ = inbox.post(.stop)
        await status.waitForExit()
    }

    /// Runs one Colibri2 `<conference-modify>` on the media thread and returns its outcome.
    public func conferenceModify(_ request: XMLElement) async -> ColibriOutcome {
        await withCheckedContinuation { (reply: CheckedContinuation<ColibriOutcome, Never>) in
            submitConferenceModify(request) { reply.resume(returning: $0) }
        }
    }

    /// Queues a `<conference-modify>` now and calls `completion` with the outcome later (on the
    /// media thread, or at once if the loop is gone). Requests submitted from one thread run in
    /// submission order: the XMPP shell relies on this to keep a conference's IQs in order.
    public func submitConferenceModify(_ request: XMLElement, completion: @escaping @Sendable (ColibriOutcome) -> Void) {
        if inbox.post(.conferenceModify(request, completion)) != nil { completion(.mediaLoopUnavailable) }
    }

    /// Refuses (false) or accepts again (true) conference creates; graceful shutdown uses it.
    public func acceptNewConferences(_ accept: Bool) {
        _ = inbox.post(.acceptNewConferences(accept))
    }

    /// Advertises what STUN discovery found in the transports of endpoints created from now on
    /// (ignored when static mappings are configured).
    public func advertiseDiscoveredAddresses(_ addresses: [PeerAddress]) {
        _ = inbox.post(.advertiseDiscoveredAddresses(addresses))
    }

    /// Hands an SCTP packet produced by the SCTP stack to the engine for DTLS encryption (any thread).
    public func sendSCTPPacket(_ packet: [UInt8], association: SCTPAssociationTag) {
        _ = inbox.post(.sendSCTPPacket(packet, association))
    }

    /// Hands a received bridge-channel message to the engine (any thread).
    public func deliverBridgeChannelMessage(_ message: [UInt8], association: SCTPAssociationTag) {
        _ = inbox.post(.bridgeChannelMessage(message, association))
    }

    /// Tells the media thread an endpoint's bridge channel opened, so it greets it.
    public func deliverBridgeChannelOpened(association: SCTPAssociationTag) {
        _ = inbox.post(.bridgeChannelOpened(association))
    }

    /// The last statistics the media thread published (at most about a second old).
    public var statistics: BridgeStatistics { status.statistics }

    /// True while the media thread is running and turning.
    public func isHealthy() -> Bool { status.isHealthy(now: MonotonicClock.now()) }
}

/// Why the media loop could not start.
public enum MediaLoopError: Error {
    /// Already started or stopped, or the OS refused a thread.
    case cannotStart
}

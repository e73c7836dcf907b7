import Bridge
import CMediaSocket
import Logging
import MediaLanes
import Primitives

/// The body of the receiving media thread: owns the engine, the socket and the transmit queue,
/// and runs wait → receive → timers → events → send → commands until stopped.
///
/// With more than one media thread, the engine's fan-outs run on every lane at once
/// (`MediaLanes`): each lane serves and sends for its receivers, this thread for lane 0's and
/// everything else. Only the media thread touches an instance once `run()` starts, so nothing
/// here is locked.
final class MediaThread {
    /// The longest the loop sleeps without work, so the heartbeat and statistics stay fresh.
    static let idleWakeNanoseconds: UInt64 = 250_000_000
    /// How often statistics are published for HTTP and metrics.
    static let publishIntervalNanoseconds: UInt64 = 1_000_000_000

    let engine: BridgeEngine
    let socket: MediaSocket
    let transmit: TransmitQueue
    /// The other media threads, when there are any.
    let lanes: MediaLanes?
    let inbox: CommandInbox
    let status: MediaLoopStatus
    let logger: Logger
    var eventHandler: @Sendable (BridgeEvent) -> Void = { _ in }
    private var commands: [MediaCommand] = []
    private var running = true
    /// Shell-side drops, merged into the engine's `drops` when statistics are published.
    var truncatedDrops: UInt64 = 0
    var unknownSourceDrops: UInt64 = 0
    var emptyDrops: UInt64 = 0
    private var heapTrimmer = HeapTrimmer()

    init(
        engine: BridgeEngine, socket: MediaSocket, lanes: MediaLanes?, transmitCapacity: Int, inbox: CommandInbox,
        status: MediaLoopStatus, logger: Logger
    ) {
        self.engine = engine
        engine.logsDebug = logger.logLevel <= .debug
        self.socket = socket
        self.inbox = inbox
        self.status = status
        self.logger = logger
        self.lanes = lanes
        transmit = TransmitQueue(capacity: transmitCapacity)
        // Captures the socket, not self: the queue is owned by self, so this makes no cycle.
        transmit.flushHandler = { [socket] queue in socket.send(queue) }
        if let lanes { engine.fanOutRunner = { [lanes] queue, copies in lanes.run(sharing: queue, copies: copies) } }
        commands.reserveCapacity(64)
    }

    /// Runs until a `.stop` command arrives.
    func run() {
        var now = MonotonicClock.now()
        var nextPublish = now
        status.beat(now)
        while running {
            let ready = ms_wait(socket.descriptor, inbox.wake.descriptor, waitNanoseconds(now: now))
            now = MonotonicClock.now()
            status.beat(now)
            if ready > 0, ready & Int32(MS_READABLE) != 0 { receiveBatch(now: now) }
            engine.handleTimeout(now: now, transmit: transmit)
            drainEvents()
            flush()
            if ready > 0, ready & Int32(MS_WOKEN) != 0 { runCommands(now: now) }
            if now >= nextPublish {
                publishStatistics()
                nextPublish = now.adding(nanoseconds: Self.publishIntervalNanoseconds)
            }
        }
        finish()
    }

    /// Sends what this thread queued.
    private func flush() { socket.send(transmit) }

    /// Time until the engine's next deadline, capped so the loop turns at least every 250 ms.
    private func waitNanoseconds(now: Instant) -> Int64 {
        var wait = Self.idleWakeNanoseconds
        if let deadline = engine.nextDeadline() { wait = min(wait, deadline.nanoseconds(since: now)) }
        return Int64(wait)
    }

    private func receiveBatch(now: Instant) {
        let count = socket.receive()
        for index in 0..<count {
            guard !socket.isTruncated(index) else { truncatedDrops &+= 1; continue }
            guard let source = socket.source(index) else { unknownSourceDrops &+= 1; continue }
            let datagram = socket.datagram(index)
            guard datagram.count > 0 else { emptyDrops &+= 1; continue }
            engine.handleDatagram(datagram, from: source, now: now, arrival: socket.arrival(index, notAfter: now), transmit: transmit)
        }
        // Before the next receive reuses the slab the pending packets' bytes are in.
        engine.settleFanOut(transmit: transmit)
    }

    private func runCommands(now: Instant) {
        inbox.take(into: &commands)
        for command in commands {
            switch command {
            case .conferenceModify(let request, let reply):
                reply(engine.handleConferenceModify(request, now: now, transmit: transmit))
            case .acceptNewConferences(let accept):
                engine.acceptsNewConferences = accept
            case .advertiseDiscoveredAddresses(let addresses):
                engine.advertiseDiscoveredAddresses(addresses)
            case .sendSCTPPacket(let packet, let association):
                engine.sendSCTPPacket(packet, association: association, now: now, transmit: transmit)
            case .bridgeChannelMessage(let message, let association):
                engine.handleBridgeChannelMessage(message, association: association, now: now)
            case .bridgeChannelOpened(let association):
                engine.handleBridgeChannelOpened(association: association, now: now)
            case .stop:
                running = false
            }
            drainEvents()
        }
        commands.removeAll(keepingCapacity: true)
        flush()
    }

    /// Drains every pending engine event: logs here, everything else to the SCTP gateway.
    private func drainEvents() {
        while let event = engine.pollEvent() {
            if case .log(let level, let message) = event {
                logger.log(level: level.loggingLevel, "\(message)")
            } else {
                eventHandler(event)
            }
        }
    }

    private func publishStatistics() {
        var statistics = engine.statistics()
        let shellDrops: [(String, UInt64)] = [
            ("receive_truncated", truncatedDrops), ("receive_unknown_family", unknownSourceDrops),
            ("receive_empty", emptyDrops), ("receive_buffer_full", socket.receiveBufferDrops),
            ("send_failed", socket.sendFailures),
            ("send_buffer_full", socket.sendBufferFullDrops), ("transmit_queue_full", transmit.overflowDrops),
            ("command_inbox_full", inbox.refusedWhileFull), ("seal_failed", transmit.sealFailures),
        ]
        for (reason, count) in shellDrops where count > 0 { statistics.drops[reason, default: 0] &+= count }
        statistics.segmentedDatagramsSent = socket.segmentation.datagrams
        statistics.segmentationRefusals = socket.segmentation.refusals
        if let lanes {
            let lane = lanes.statistics
            let laneDrops: [(String, UInt64)] = [
                ("seal_failed", lane.sealFailures),
                ("send_failed", lane.sendFailures), ("send_buffer_full", lane.sendBufferFull),
            ]
            for (reason, count) in laneDrops where count > 0 { statistics.drops[reason, default: 0] &+= count }
            statistics.segmentedDatagramsSent &+= lane.segmented
            statistics.segmentationRefusals &+= lane.segmentationRefusals
        }
        status.publish(statistics)
        heapTrimmer.afterPublishing(statistics)
    }

    /// Answers whatever is still queued so no HTTP request waits forever, then reports exit.
    private func finish() {
        for command in inbox.close() { command.refuse() }
        lanes?.stop()
        publishStatistics()
        status.markExited()
        logger.info("media loop stopped")
    }
}

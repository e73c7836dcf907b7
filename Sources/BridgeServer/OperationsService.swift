import Bridge
public import Logging
public import ServiceLifecycle
import UnixSignals

/// Turns signals and time into shutdown progress, and feeds the stress meter.
///
/// The first SIGTERM or SIGINT starts a graceful shutdown (as `POST /colibri/shutdown` does);
/// a second one exits at once. Once the phase reaches `.finished` the service returns, and the
/// service group then stops HTTP, leaves the brewery and stops the media loop, in that order.
public struct OperationsService: Service {
    /// How often the statistics snapshot is read for stress and shutdown timers.
    static let tickMilliseconds = 250

    let operations: BridgeOperations
    let loop: MediaLoop
    let logger: Logger

    /// A service driving `operations` from `loop`'s statistics.
    public init(operations: BridgeOperations, loop: MediaLoop, logger: Logger) {
        self.operations = operations
        self.loop = loop
        self.logger = logger
    }

    /// Runs until the shutdown finishes, or the group shuts down for another reason.
    public func run() async throws {
        let signals = await UnixSignalsSequence(trapping: .sigterm, .sigint)
        operations.observe { [operations, loop] in
            // Refusing creates is idempotent, so repeating it on later changes is harmless.
            if operations.snapshot.phase != .running { loop.acceptNewConferences(false) }
        }
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await handle(signals) }
            await tickUntilFinished()
            group.cancelAll()
        }
    }

    private func handle(_ signals: UnixSignalsSequence) async {
        for await signal in signals {
            if operations.snapshot.phase == .running {
                logger.notice("\(signal) received: graceful shutdown (send it again to exit at once)")
                operations.requestShutdown(graceful: true, now: MonotonicClock.now())
            } else {
                logger.notice("\(signal) received again: exiting now")
                operations.finishNow()
            }
        }
    }

    private func tickUntilFinished() async {
        var phase = operations.snapshot.phase
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            let statistics = loop.statistics
            operations.tick(
                now: MonotonicClock.now(), endpoints: statistics.endpoints,
                packets: statistics.packetsReceived &+ statistics.packetsSent
            )
            let current = operations.snapshot.phase
            if current != phase {
                logger.notice("shutdown phase \(current)", metadata: ["endpoints": "\(statistics.endpoints)"])
                phase = current
            }
            if current == .finished { return }
            try? await Task.sleep(for: .milliseconds(Self.tickMilliseconds))
        }
    }
}

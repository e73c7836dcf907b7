public import Logging
public import ServiceLifecycle

/// The media loop (and the SCTP thread behind it) as a lifecycle `Service`: starts the thread,
/// waits for graceful shutdown, then stops the loop and shuts SCTP down, in that order, so no
/// SCTP packet is handed to a stopped engine's queue.
public struct MediaService: Service {
    let loop: MediaLoop
    let gateway: SCTPGateway?
    let logger: Logger

    /// Wraps a bound, not yet started loop; `gateway` is nil when SCTP is disabled.
    public init(loop: MediaLoop, gateway: SCTPGateway?, logger: Logger) {
        self.loop = loop
        self.gateway = gateway
        self.logger = logger
    }

    /// Runs until graceful shutdown or cancellation.
    public func run() async throws {
        if let gateway {
            try loop.start(events: { event in gateway.handle(event) })
        } else {
            try loop.start()
        }
        try? await gracefulShutdown()
        logger.info("stopping media loop")
        await loop.stop()
        gateway?.shutdown()
    }
}

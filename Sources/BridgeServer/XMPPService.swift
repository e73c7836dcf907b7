public import Logging
import NIOCore
import NIOPosix
public import ServiceLifecycle
public import XMPP

/// Every XMPP shard as one lifecycle service: connects at start, and on graceful shutdown
/// leaves the brewery and closes the streams before the media loop stops.
public struct XMPPService: Service {
    private let shards: [XMPPShard]
    private let operations: BridgeOperations
    private let logger: Logger

    /// One shard per `XMPP_SERVER` entry. `presenceStats` is called for every presence.
    public init(
        settings: ServerSettings, loop: MediaLoop, operations: BridgeOperations,
        presenceStats: @escaping @Sendable () -> BridgePresenceStats, logger: Logger
    ) throws {
        // ServerSettings refuses XMPP without a password, so this only guards hand-built settings.
        guard let credentials = settings.xmpp.credentials else {
            throw ConfigurationError("XMPP is enabled but no password is set (JVB_AUTH_PASSWORD)")
        }
        let group = MultiThreadedEventLoopGroup.singleton
        shards = try settings.xmpp.servers.map { server in
            try XMPPShard(
                server: server, settings: settings.xmpp, credentials: credentials, eventLoop: group.next(), loop: loop,
                operations: operations, presenceStats: presenceStats, logger: logger
            )
        }
        self.operations = operations
        self.logger = logger
    }

    /// Runs until graceful shutdown.
    public func run() async throws {
        operations.updateXMPP { $0.xmppConfigured = shards.count }
        operations.observe { [shards] in for shard in shards { shard.presenceChanged() } }
        for shard in shards { shard.start() }
        try? await gracefulShutdown()
        for shard in shards { try? await shard.stop().get() }
        logger.info("XMPP connections closed")
    }
}

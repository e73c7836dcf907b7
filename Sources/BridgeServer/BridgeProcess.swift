import Bridge
import Hummingbird
import Primitives
public import Logging
import ServiceLifecycle
import XMPP

/// Wires the whole bridge from its settings and runs it until its shutdown finishes.
public enum BridgeProcess {
    /// Binds the media port, builds the engine, SCTP gateway, XMPP shards and HTTP server, and
    /// runs them in one `ServiceGroup`. Signals go to `OperationsService` (graceful shutdown, a
    /// second signal exits at once); when it returns, the group stops HTTP, then XMPP (leaving
    /// the brewery), then the media loop and SCTP, in that order.
    public static func run(settings: ServerSettings, logger: Logger) async throws {
        for name in settings.ignoredEnvironment {
            logger.notice("\(name) is set but has no meaning for this bridge (accepted and ignored)")
        }
        let interfaces = HostAddressDiscovery.interfaceAddresses()
        let loop = try makeMediaLoop(settings: settings, interfaces: interfaces, logger: logger)
        let hostAddresses = HostAddressDiscovery.hostAddresses(bound: loop.localAddress, interfaces: interfaces)
        let warnings = AdvertisedAddressCheck.atStart(
            advertised: settings.advertisedAddresses, hostAddresses: hostAddresses, stunConfigured: !settings.stunServers.isEmpty)
        for warning in warnings { logger.warning("\(warning)") }
        let publicAddress = PublicAddressStatus()
        let gateway = settings.sctpEnabled ? SCTPGateway(loop: loop, logger: logger) : nil
        let operations = BridgeOperations(settings: settings)
        let routes = HTTPRoutes(
            loop: loop, metrics: BridgeMetrics(), colibriEnabled: settings.colibriRESTEnabled,
            shutdownEnabled: settings.shutdownRouteEnabled, operations: operations, sctp: gateway,
            publicAddress: publicAddress
        )
        let http = Application(
            router: routes.makeRouter(),
            configuration: .init(address: .hostname(settings.httpHost, port: settings.httpPort), serverName: BridgeVersion.name),
            logger: logger
        )
        // Reverse order on shutdown: operations, HTTP, XMPP (leaves the brewery), media.
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [
            .init(service: MediaService(loop: loop, gateway: gateway, logger: logger), successTerminationBehavior: .gracefullyShutdownGroup)
        ]
        if !settings.stunServers.isEmpty {
            // Its end, whatever the reason, must not stop the bridge.
            services.append(.init(
                service: PublicAddressDiscovery(
                    servers: settings.stunServers, media: loop.localAddress, staticMappings: settings.advertisedAddresses,
                    hostAddresses: hostAddresses, loop: loop, status: publicAddress, logger: logger),
                successTerminationBehavior: .ignore
            ))
        }
        if settings.xmpp.enabled {
            let xmpp = try XMPPService(
                settings: settings, loop: loop, operations: operations,
                presenceStats: { presenceStats(loop: loop, operations: operations, region: settings.region) }, logger: logger
            )
            services.append(.init(service: xmpp))
        }
        services.append(.init(service: http))
        services.append(.init(
            service: OperationsService(operations: operations, loop: loop, logger: logger),
            successTerminationBehavior: .gracefullyShutdownGroup
        ))
        let group = ServiceGroup(configuration: .init(services: services, logger: logger))
        logger.info("meetpad-bridge starting", metadata: [
            "version": "\(BridgeVersion.version)", "http": "\(settings.httpHost):\(settings.httpPort)",
            "colibri_rest": "\(settings.colibriRESTEnabled)", "sctp": "\(settings.sctpEnabled)",
            "xmpp": "\(settings.xmpp.enabled ? settings.xmpp.servers.map(\.description).joined(separator: ",") : "disabled")",
            "brewery": "\(settings.xmpp.enabled ? settings.xmpp.brewery.occupantJID.description : "-")",
        ])
        try await group.run()
        logger.info("meetpad-bridge stopped")
    }

    private static func makeMediaLoop(settings: ServerSettings, interfaces: [PeerAddress], logger: Logger) throws -> MediaLoop {
        return try MediaLoop(
            bindAddress: try settings.mediaBindAddress, mediaThreads: settings.mediaThreads,
            segmentation: settings.udpSegmentation, logger: logger
        ) { bound in
            let configuration = settings.bridgeConfiguration(bound: bound, interfaces: interfaces)
            logger.info("media candidates", metadata: [
                "host": "\(configuration.hostAddresses.map(\.description).joined(separator: ","))",
                "advertised": "\(configuration.advertisedAddresses.map(\.description).joined(separator: ","))",
            ])
            if configuration.hostAddresses.isEmpty {
                logger.warning("no usable host address for the media port; set --media-host or --advertise-ips")
            }
            return try BridgeEngine(configuration: configuration)
        }
    }

    /// What the brewery presence says about this bridge right now.
    static func presenceStats(loop: MediaLoop, operations: BridgeOperations, region: String?) -> BridgePresenceStats {
        let statistics = loop.statistics
        let state = operations.snapshot
        return BridgePresenceStats(
            stressLevel: state.stress, drain: state.drain, gracefulShutdown: state.gracefulShutdown,
            shuttingDown: state.shuttingDown, healthy: loop.isHealthy(), version: BridgeVersion.version,
            conferences: statistics.conferences, participants: statistics.endpoints, region: region,
            mediaReachability: statistics.reachability.state.rawValue
        )
    }
}

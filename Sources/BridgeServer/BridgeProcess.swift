import Bridge
import Hummingbird
import Primitives
public import Logging
import ServiceLifecycle
// UnixSignals is a product of swift-service-lifecycle that ServiceGroupConfiguration's signal list needs.
import UnixSignals

/// Wires the whole bridge from its settings and runs it until SIGTERM or SIGINT.
public enum BridgeProcess {
    /// Binds the media port, builds the engine, SCTP gateway and HTTP server, and runs them in one
    /// `ServiceGroup`. Returns after a graceful shutdown: HTTP stops first, then the media loop,
    /// then the SCTP thread.
    public static func run(settings: ServerSettings, logger: Logger) async throws {
        let bind = try settings.mediaBindAddress
        let interfaces = HostAddressDiscovery.interfaceAddresses()
        let loop = try MediaLoop(bindAddress: bind, logger: logger) { bound in
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
        let gateway = settings.sctpEnabled ? SCTPGateway(loop: loop, logger: logger) : nil
        let metrics = BridgeMetrics()
        let routes = HTTPRoutes(loop: loop, metrics: metrics, colibriEnabled: settings.colibriRESTEnabled, sctp: gateway)
        let http = Application(
            router: routes.makeRouter(),
            configuration: .init(address: .hostname(settings.httpHost, port: settings.httpPort), serverName: BridgeVersion.name),
            logger: logger
        )
        let media = MediaService(loop: loop, gateway: gateway, logger: logger)
        // Services stop in reverse order: HTTP first (no new requests), then the media loop.
        let group = ServiceGroup(
            configuration: .init(
                services: [
                    .init(service: media, successTerminationBehavior: .gracefullyShutdownGroup),
                    .init(service: http),
                ],
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger
            )
        )
        logger.info("meetpad-bridge starting", metadata: [
            "version": "\(BridgeVersion.version)", "http": "\(settings.httpHost):\(settings.httpPort)",
            "colibri_rest": "\(settings.colibriRESTEnabled)", "sctp": "\(settings.sctpEnabled)",
        ])
        try await group.run()
        logger.info("meetpad-bridge stopped")
    }
}

import ICE
public import Logging
import NIOCore
import NIOPosix
public import Primitives
public import ServiceLifecycle

/// STUN discovery of the media port's public address, as the upstream jvb container does with
/// `JVB_STUN_SERVERS`: a round of Binding requests at start and every `refreshSeconds`
/// (`retrySeconds` after a round nobody answered), from a socket bound to the media socket's
/// address. What a round learns goes to the media loop as server-reflexive candidates (unless
/// `JVB_ADVERTISE_IPS` pins them), to `PublicAddressStatus`, and to the log when it changes.
///
/// Like ice4j's mapping harvester it keeps the media port and takes only the IP from the
/// answer: compose publishes the port 1:1, so the NAT's choice of port for the discovery
/// socket says nothing about where clients must send media.
public struct PublicAddressDiscovery: Service {
    static let refreshSeconds: Int64 = 300
    static let retrySeconds: Int64 = 30

    private let servers: [ServerAddress]
    private let media: PeerAddress
    private let staticMappings: [PeerAddress]
    private let hostAddresses: [PeerAddress]
    private let loop: MediaLoop
    private let status: PublicAddressStatus
    private let logger: Logger

    /// `media` is the bound media socket; `staticMappings` and `hostAddresses` are only compared
    /// with what STUN says, for the operator's warnings.
    public init(
        servers: [ServerAddress], media: PeerAddress, staticMappings: [PeerAddress], hostAddresses: [PeerAddress],
        loop: MediaLoop, status: PublicAddressStatus, logger: Logger
    ) {
        self.servers = servers
        self.media = media
        self.staticMappings = staticMappings
        self.hostAddresses = hostAddresses
        self.loop = loop
        self.status = status
        self.logger = logger
    }

    /// Queries until graceful shutdown. Never throws: a bridge whose discovery broke still
    /// serves every client that reaches its other candidates, so it logs and waits instead of
    /// taking the service group down.
    public func run() async {
        let status = self.status
        do {
            let channel = try await DatagramBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(
                            PublicAddressProbeHandler(ignored: { status.update { $0.ignoredDatagrams &+= 1 } }))
                    }
                }
                .bind(host: media.isWildcard ? "0.0.0.0" : media.host, port: 0).get()
            try? await cancelWhenGracefulShutdown { try await queryForever(channel) }
            try? await channel.close()
        } catch {
            logger.error("STUN discovery cannot open its socket: \(error); the public address stays unknown")
            try? await gracefulShutdown()
        }
    }

    private func queryForever(_ channel: any Channel) async throws {
        var learned: [PeerAddress] = []
        var failing = false
        while !Task.isCancelled {
            let family: PeerAddress.Family = media.family == .ipv6 && !media.isWildcard ? .ipv6 : .ipv4
            let resolved = try await NIOThreadPool.singleton.runIfActive { [servers] in
                servers.map { (name: $0, addresses: $0.resolveUDP(family: family)) }
            }
            try Task.checkCancellation()
            let targets = resolved.flatMap(\.addresses)
            let unresolved = resolved.filter(\.addresses.isEmpty).map { "\($0.name) did not resolve" }
            let replies = targets.isEmpty ? [] : try await round(channel, targets)
            let outcome = PublicAddressOutcome(replies: replies, mediaPort: media.port)
            status.update { snapshot in
                snapshot.rounds &+= 1
                if outcome.publicAddresses.isEmpty { snapshot.failedRounds &+= 1 } else { snapshot.discovered = outcome.publicAddresses }
            }
            if outcome.publicAddresses.isEmpty {
                if !failing {
                    let asked = ([outcome.summary] + unresolved).filter { !$0.isEmpty }.joined(separator: ", ")
                    logger.warning("STUN discovery found no public address (\(asked)); retrying every \(Self.retrySeconds) s")
                }
                failing = true
            } else {
                failing = false
                if outcome.publicAddresses != learned { announce(outcome) }
                learned = outcome.publicAddresses
            }
            try await Task.sleep(for: .seconds(outcome.publicAddresses.isEmpty ? Self.retrySeconds : Self.refreshSeconds))
        }
    }

    private func round(_ channel: any Channel, _ targets: [PeerAddress]) async throws -> PublicAddressProbeHandler.Replies {
        let finished = channel.eventLoop.makePromise(of: PublicAddressProbeHandler.Replies.self)
        channel.eventLoop.execute {
            do {
                try channel.pipeline.syncOperations.handler(type: PublicAddressProbeHandler.self)
                    .startRound(servers: targets, finished: finished)
            } catch {
                finished.fail(error)
            }
        }
        return try await finished.futureResult.get()
    }

    private func announce(_ outcome: PublicAddressOutcome) {
        let addresses = outcome.publicAddresses.map(\.description).joined(separator: ", ")
        if staticMappings.isEmpty {
            logger.info("public address from STUN: advertising \(addresses) (\(outcome.summary))")
            loop.advertiseDiscoveredAddresses(outcome.publicAddresses)
        } else {
            logger.info("public address from STUN: \(addresses) (\(outcome.summary)); JVB_ADVERTISE_IPS is advertised instead")
        }
        for note in outcome.notes { logger.notice("\(note)") }
        let checks = AdvertisedAddressCheck.afterDiscovery(
            advertised: staticMappings, hostAddresses: hostAddresses, discovered: outcome.publicAddresses)
        for warning in checks { logger.warning("\(warning)") }
    }
}

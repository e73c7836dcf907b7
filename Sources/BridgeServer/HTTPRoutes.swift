import Bridge
public import Hummingbird
import NIOCore

/// The private HTTP API (JVB's port 8080 listener): health, version, metrics and, when the
/// Colibri REST group is on, Colibri2 over HTTP and `/colibri/stats` (docs/colibri2.md §6).
public struct HTTPRoutes: Sendable {
    /// Largest accepted `conference-modify` body; bigger ones get 413.
    public static let colibriBodyLimit = 256 * 1024

    let loop: MediaLoop
    let metrics: BridgeMetrics
    let colibriEnabled: Bool
    let shutdownEnabled: Bool
    let operations: BridgeOperations
    let sctp: SCTPGateway?
    let publicAddress: PublicAddressStatus

    /// Routes served from `loop` and `metrics`; `colibriEnabled` mirrors COLIBRI_REST_ENABLED,
    /// `shutdownEnabled` SHUTDOWN_REST_ENABLED (served only with the Colibri group, as JVB).
    /// Drain and shutdown act on `operations`. The SCTP gateway, when there is one, adds its drop
    /// counters to the statistics. `publicAddress` is what STUN discovery learned.
    public init(
        loop: MediaLoop, metrics: BridgeMetrics, colibriEnabled: Bool, shutdownEnabled: Bool = false,
        operations: BridgeOperations = BridgeOperations(settings: ServerSettings()), sctp: SCTPGateway? = nil,
        publicAddress: PublicAddressStatus = PublicAddressStatus()
    ) {
        self.loop = loop
        self.metrics = metrics
        self.colibriEnabled = colibriEnabled
        self.shutdownEnabled = shutdownEnabled
        self.operations = operations
        self.sctp = sctp
        self.publicAddress = publicAddress
    }

    /// The media loop's latest statistics with the SCTP thread's drops merged in.
    var statistics: BridgeStatistics {
        var statistics = loop.statistics
        for (reason, count) in sctp?.dropCounts ?? [:] { statistics.drops[reason, default: 0] &+= count }
        return statistics
    }

    /// A router with every enabled route.
    public func makeRouter() -> Router<BasicRequestContext> {
        let router = Router()
        router.get("/about/health") { _, _ in health() }
        router.get("/about/version") { _, _ in version() }
        router.get("/metrics") { _, _ in prometheus() }
        router.get("/colibri/drain") { _, _ in drainState() }
        router.post("/colibri/drain/enable") { _, _ in setDrain(true) }
        router.post("/colibri/drain/disable") { _, _ in setDrain(false) }
        if colibriEnabled {
            router.post("/colibri/v2/conference-modify") { request, _ in await conferenceModify(request) }
            router.get("/colibri/stats") { _, _ in colibriStats() }
            if shutdownEnabled {
                router.post("/colibri/shutdown") { request, _ in await shutdown(request) }
            }
        }
        return router
    }

    /// A response with a body and content type.
    static func response(_ status: HTTPResponse.Status, contentType: String, body: String) -> Response {
        Response(
            status: status,
            headers: [.contentType: contentType],
            body: ResponseBody(byteBuffer: ByteBuffer(string: body))
        )
    }
}

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
    let sctp: SCTPGateway?

    /// Routes served from `loop` and `metrics`; `colibriEnabled` mirrors COLIBRI_REST_ENABLED.
    /// The SCTP gateway, when there is one, adds its drop counters to the statistics.
    public init(loop: MediaLoop, metrics: BridgeMetrics, colibriEnabled: Bool, sctp: SCTPGateway? = nil) {
        self.loop = loop
        self.metrics = metrics
        self.colibriEnabled = colibriEnabled
        self.sctp = sctp
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
        if colibriEnabled {
            router.post("/colibri/v2/conference-modify") { request, _ in await conferenceModify(request) }
            router.get("/colibri/stats") { _, _ in colibriStats() }
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

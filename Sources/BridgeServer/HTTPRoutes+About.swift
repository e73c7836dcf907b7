import Bridge
import Hummingbird
import NIOCore

extension HTTPRoutes {
    /// `GET /about/health`: 200 with an empty JSON-typed body while the media loop turns, else
    /// 503 with the reason, as JVB's Health resource answers. While the reachability self-check
    /// finds clients cannot reach the media port, still 200 (the bridge works, the network does
    /// not, and restarting it would not help) with the finding in the body.
    func health() -> Response {
        if loop.isHealthy() {
            let reachability = loop.statistics.reachability
            guard reachability.state == .unreachable, let detail = reachability.detail else {
                return Self.response(.ok, contentType: "application/json", body: "")
            }
            let body = #"{"media_reachability":"unreachable","detail":\#(ColibriStatsJSON.quoted(detail))}"#
            return Self.response(.ok, contentType: "application/json", body: body)
        }
        return Self.response(.serviceUnavailable, contentType: "text/plain", body: "media loop not running")
    }

    /// `GET /about/version`.
    func version() -> Response {
        let body = #"{"name":"\#(BridgeVersion.name)","version":"\#(BridgeVersion.version)","os":"Linux"}"#
        return Self.response(.ok, contentType: "application/json", body: body)
    }

    /// `GET /metrics` in Prometheus text format 0.0.4.
    func prometheus() -> Response {
        metrics.update(
            from: statistics, healthy: loop.isHealthy(), operations: operations.snapshot, publicAddress: publicAddress.snapshot)
        var buffer = ByteBuffer()
        buffer.writeBytes(metrics.render())
        return Response(
            status: .ok,
            headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
            body: ResponseBody(byteBuffer: buffer)
        )
    }
}

import Hummingbird
import NIOCore

extension HTTPRoutes {
    /// `GET /about/health`: 200 with an empty JSON-typed body while the media loop turns, else
    /// 503 with the reason, as JVB's Health resource answers.
    func health() -> Response {
        if loop.isHealthy() { return Self.response(.ok, contentType: "application/json", body: "") }
        return Self.response(.serviceUnavailable, contentType: "text/plain", body: "media loop not running")
    }

    /// `GET /about/version`.
    func version() -> Response {
        let body = #"{"name":"\#(BridgeVersion.name)","version":"\#(BridgeVersion.version)","os":"Linux"}"#
        return Self.response(.ok, contentType: "application/json", body: body)
    }

    /// `GET /metrics` in Prometheus text format 0.0.4.
    func prometheus() -> Response {
        metrics.update(from: statistics, healthy: loop.isHealthy(), operations: operations.snapshot)
        var buffer = ByteBuffer()
        buffer.writeBytes(metrics.render())
        return Response(
            status: .ok,
            headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
            body: ResponseBody(byteBuffer: buffer)
        )
    }
}

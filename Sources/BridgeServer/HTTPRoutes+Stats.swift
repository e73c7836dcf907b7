import Hummingbird

extension HTTPRoutes {
    /// `GET /colibri/stats`: the presence stats as one flat JSON object.
    func colibriStats() -> Response {
        let body = ColibriStatsJSON.render(
            statistics, healthy: loop.isHealthy(), operations: operations.snapshot, publicAddress: publicAddress.snapshot,
            timestamp: UTCTimestamp.now()
        )
        return Self.response(.ok, contentType: "application/json", body: body)
    }
}

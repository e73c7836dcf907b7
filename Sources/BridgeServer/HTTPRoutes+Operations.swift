import FoundationEssentials
import Hummingbird
import NIOCore

extension HTTPRoutes {
    /// Largest accepted `/colibri/shutdown` body.
    static let shutdownBodyLimit = 4 * 1024

    /// `{"graceful-shutdown": true}`, JVB's shutdown body.
    struct ShutdownRequest: Decodable {
        let gracefulShutdown: Bool

        enum CodingKeys: String, CodingKey { case gracefulShutdown = "graceful-shutdown" }
    }

    /// `GET /colibri/drain`: `{"drain":false}`.
    func drainState() -> Response {
        Self.response(.ok, contentType: "application/json", body: #"{"drain":\#(operations.snapshot.drain)}"#)
    }

    /// `POST /colibri/drain/enable|disable`: jicofo sees the change in the next presence, which
    /// the XMPP shards send at once.
    func setDrain(_ drain: Bool) -> Response {
        operations.setDrain(drain)
        return Self.response(.ok, contentType: "application/json", body: "")
    }

    /// `POST /colibri/shutdown`: graceful (`true`) or immediate (`false`) shutdown, as JVB.
    func shutdown(_ request: Request) async -> Response {
        guard let body = try? await request.body.collect(upTo: Self.shutdownBodyLimit) else {
            return Self.response(.contentTooLarge, contentType: "text/plain", body: "body too large")
        }
        guard let parsed = try? JSONDecoder().decode(ShutdownRequest.self, from: Data(body.readableBytesView)) else {
            return Self.response(.badRequest, contentType: "text/plain", body: #"expected {"graceful-shutdown": true|false}"#)
        }
        operations.requestShutdown(graceful: parsed.gracefulShutdown, now: MonotonicClock.now())
        return Self.response(.ok, contentType: "application/json", body: "")
    }
}

@testable import BridgeServer
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

@Suite struct HTTPRoutesTests {
    /// Runs `body` against the router of a fresh loop (started if `started`), then stops the loop.
    func withApp(
        started: Bool = true,
        colibri: Bool = true,
        stopFirst: Bool = false,
        shutdown: Bool = false,
        operations: BridgeOperations = BridgeOperations(settings: ServerSettings()),
        _ body: @Sendable (any TestClientProtocol, BridgeMetrics) async throws -> Void
    ) async throws {
        let loop = try TestLoop.make()
        if started { try loop.start() }
        if stopFirst { await loop.stop() }
        let metrics = BridgeMetrics()
        let routes = HTTPRoutes(
            loop: loop, metrics: metrics, colibriEnabled: colibri, shutdownEnabled: shutdown, operations: operations
        )
        let app = Application(router: routes.makeRouter())
        do {
            if started && !stopFirst { #expect(await TestLoop.eventually { loop.isHealthy() }) }
            try await app.test(.router) { client in try await body(client, metrics) }
        } catch {
            await loop.stop()
            throw error
        }
        await loop.stop()
    }

    @Test func healthIsOKWhileTheLoopRuns() async throws {
        try await withApp { client, _ in
            try await client.execute(uri: "/about/health", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "application/json")
                #expect(response.body.readableBytes == 0)
            }
        }
    }

    @Test func healthIs503WithoutALoop() async throws {
        try await withApp(started: false) { client, _ in
            try await client.execute(uri: "/about/health", method: .get) { response in
                #expect(response.status == .serviceUnavailable)
            }
        }
    }

    @Test func healthIs503AfterTheLoopStopped() async throws {
        try await withApp(stopFirst: true) { client, _ in
            try await client.execute(uri: "/about/health", method: .get) { response in
                #expect(response.status == .serviceUnavailable)
            }
        }
    }

    @Test func versionNamesTheBridge() async throws {
        try await withApp { client, _ in
            try await client.execute(uri: "/about/version", method: .get) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body) == #"{"name":"meetpad-bridge","version":"\#(BridgeVersion.version)","os":"Linux"}"#)
            }
        }
    }

    @Test func metricsUseJVBNames() async throws {
        try await withApp { client, _ in
            try await client.execute(uri: "/metrics", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType]?.hasPrefix("text/plain; version=0.0.4") == true)
                let text = String(buffer: response.body)
                for name in [
                    "jitsi_jvb_conferences 0", "jitsi_jvb_endpoints 0", "jitsi_jvb_healthy 1",
                    "jitsi_jvb_packets_received_total 0", "jitsi_jvb_bytes_sent_total 0",
                    "jitsi_jvb_endpoints_ice_failed_total 0", "jitsi_jvb_data_channel_messages_sent_total 0",
                    #"jitsi_jvb_http_colibri_rejected_total{reason="malformed_xml"} 0"#,
                ] {
                    #expect(text.contains(name), "missing \(name)")
                }
            }
        }
    }

    @Test func malformedConferenceModifyIs400AndCounted() async throws {
        try await withApp { client, metrics in
            try await client.execute(
                uri: "/colibri/v2/conference-modify", method: .post,
                headers: [.contentType: "application/xml"], body: ByteBuffer(string: "not xml at all")
            ) { response in
                #expect(response.status == .badRequest)
                #expect(response.headers[.contentType] == "application/xml")
                #expect(String(buffer: response.body).contains("<bad-request"))
            }
            let text = String(decoding: metrics.render(), as: UTF8.self)
            #expect(text.contains(#"jitsi_jvb_http_colibri_rejected_total{reason="malformed_xml"} 1"#))
        }
    }

    @Test func oversizedConferenceModifyIs413() async throws {
        try await withApp { client, metrics in
            let body = "<conference-modify>" + String(repeating: " ", count: HTTPRoutes.colibriBodyLimit) + "</conference-modify>"
            try await client.execute(
                uri: "/colibri/v2/conference-modify", method: .post,
                headers: [.contentType: "application/xml"], body: ByteBuffer(string: body)
            ) { response in
                #expect(response.status == .contentTooLarge)
            }
            let text = String(decoding: metrics.render(), as: UTF8.self)
            #expect(text.contains(#"jitsi_jvb_http_colibri_rejected_total{reason="too_large"} 1"#))
        }
    }

    @Test func nonXMLContentTypeIs415() async throws {
        try await withApp { client, _ in
            try await client.execute(
                uri: "/colibri/v2/conference-modify", method: .post,
                headers: [.contentType: "application/json"], body: ByteBuffer(string: "{}")
            ) { response in
                #expect(response.status == .unsupportedMediaType)
            }
        }
    }

    /// The stub engine answers every request with a 500 `<error>`; the route passes status and element through.
    @Test func wellFormedConferenceModifyReachesTheEngine() async throws {
        try await withApp { client, _ in
            try await client.execute(
                uri: "/colibri/v2/conference-modify", method: .post,
                headers: [.contentType: "application/xml; charset=utf-8"],
                body: ByteBuffer(string: #"<conference-modify xmlns="jitsi:colibri2" meeting-id="m"/>"#)
            ) { response in
                #expect(response.status != .badRequest)
                #expect(response.headers[.contentType] == "application/xml")
                #expect(String(buffer: response.body).hasPrefix("<"))
            }
        }
    }

    @Test func conferenceModifyAfterStopIs503() async throws {
        try await withApp(stopFirst: true) { client, _ in
            try await client.execute(
                uri: "/colibri/v2/conference-modify", method: .post,
                headers: [.contentType: "application/xml"], body: ByteBuffer(string: "<conference-modify/>")
            ) { response in
                #expect(response.status == .serviceUnavailable)
                #expect(String(buffer: response.body).contains("service-unavailable"))
            }
        }
    }

    @Test func colibriStatsIsFlatJSON() async throws {
        try await withApp { client, _ in
            try await client.execute(uri: "/colibri/stats", method: .get) { response in
                #expect(response.status == .ok)
                let text = String(buffer: response.body)
                for field in [#""conferences":0"#, #""participants":0"#, #""stress_level":0"#, #""drain":false"#,
                              #""graceful_shutdown":false"#, #""healthy":true"#, #""version":""#] {
                    #expect(text.contains(field), "missing \(field)")
                }
            }
        }
    }

    @Test func colibriRoutesAreAbsentWhenDisabled() async throws {
        try await withApp(colibri: false) { client, _ in
            try await client.execute(uri: "/colibri/stats", method: .get) { response in
                #expect(response.status == .notFound)
            }
            try await client.execute(uri: "/about/health", method: .get) { response in
                #expect(response.status == .ok)
            }
        }
    }

    @Test func drainFollowsTheRESTCallsAndShowsInMetrics() async throws {
        let operations = BridgeOperations(settings: ServerSettings())
        try await withApp(colibri: false, operations: operations) { client, _ in
            try await client.execute(uri: "/colibri/drain", method: .get) { response in
                #expect(String(buffer: response.body) == #"{"drain":false}"#)
            }
            try await client.execute(uri: "/colibri/drain/enable", method: .post) { response in
                #expect(response.status == .ok)
            }
            #expect(operations.snapshot.drain)
            try await client.execute(uri: "/colibri/drain", method: .get) { response in
                #expect(String(buffer: response.body) == #"{"drain":true}"#)
            }
            try await client.execute(uri: "/metrics", method: .get) { response in
                #expect(String(buffer: response.body).contains("jitsi_jvb_drain_mode 1"))
            }
            try await client.execute(uri: "/colibri/drain/disable", method: .post) { _ in }
            #expect(!operations.snapshot.drain)
        }
    }

    @Test func shutdownNeedsBothSwitches() async throws {
        try await withApp(colibri: true, shutdown: false) { client, _ in
            try await client.execute(
                uri: "/colibri/shutdown", method: .post, body: ByteBuffer(string: #"{"graceful-shutdown": true}"#)
            ) { response in
                #expect(response.status == .notFound)
            }
        }
        try await withApp(colibri: false, shutdown: true) { client, _ in
            try await client.execute(
                uri: "/colibri/shutdown", method: .post, body: ByteBuffer(string: #"{"graceful-shutdown": true}"#)
            ) { response in
                #expect(response.status == .notFound)
            }
        }
    }

    @Test func gracefulShutdownStartsAndBadBodiesAreRefused() async throws {
        let operations = BridgeOperations(settings: ServerSettings())
        try await withApp(shutdown: true, operations: operations) { client, _ in
            try await client.execute(uri: "/colibri/shutdown", method: .post, body: ByteBuffer(string: "{nope")) { response in
                #expect(response.status == .badRequest)
            }
            #expect(operations.snapshot.phase == .running)
            try await client.execute(
                uri: "/colibri/shutdown", method: .post, body: ByteBuffer(string: #"{"graceful-shutdown": true}"#)
            ) { response in
                #expect(response.status == .ok)
            }
            #expect(operations.snapshot.phase == .gracefulShutdown)
            try await client.execute(uri: "/colibri/stats", method: .get) { response in
                #expect(String(buffer: response.body).contains(#""graceful_shutdown":true"#))
            }
        }
    }
}

import Bridge
@testable import BridgeServer
import Testing

@Suite struct BridgeMetricsTests {
    func text(_ metrics: BridgeMetrics) -> String { String(decoding: metrics.render(), as: UTF8.self) }

    @Test func countersFollowSnapshotsWithoutDoubleCounting() {
        let metrics = BridgeMetrics()
        var statistics = BridgeStatistics()
        statistics.conferences = 2
        statistics.packetsReceived = 10
        statistics.drops = ["srtp_auth": 3]
        metrics.update(from: statistics, healthy: true)
        metrics.update(from: statistics, healthy: true)
        statistics.packetsReceived = 15
        statistics.drops["srtp_auth"] = 4
        statistics.drops["unverified_source"] = 1
        metrics.update(from: statistics, healthy: false)
        let output = text(metrics)
        #expect(output.contains("jitsi_jvb_conferences 2"))
        #expect(output.contains("jitsi_jvb_packets_received_total 15"))
        #expect(output.contains(#"jitsi_jvb_drops_total{reason="srtp_auth"} 4"#))
        #expect(output.contains(#"jitsi_jvb_drops_total{reason="unverified_source"} 1"#))
        #expect(output.contains("jitsi_jvb_healthy 0"))
    }

    @Test func rejectionsAreLabelled() {
        let metrics = BridgeMetrics()
        metrics.recordRejection(.tooLarge)
        metrics.recordRejection(.tooLarge)
        #expect(text(metrics).contains(#"jitsi_jvb_http_colibri_rejected_total{reason="too_large"} 2"#))
    }
}

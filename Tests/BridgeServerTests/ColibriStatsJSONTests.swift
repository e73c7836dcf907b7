import Bridge
@testable import BridgeServer
import Primitives
import Testing

@Suite struct ColibriStatsJSONTests {
    @Test func rendersFlatObject() {
        var statistics = BridgeStatistics()
        statistics.conferences = 1
        statistics.endpoints = 3
        let json = ColibriStatsJSON.render(statistics, healthy: true, timestamp: "2026-01-02 03:04:05.006")
        #expect(json.hasPrefix(#"{"conferences":1,"participants":3,"endpoints":3,"#))
        #expect(json.contains(#""current_timestamp":"2026-01-02 03:04:05.006""#))
        #expect(json.hasSuffix(#""version":"\#(BridgeVersion.version)"}"#))
    }

    @Test func reachabilityAndSTUNFindings() {
        var statistics = BridgeStatistics()
        statistics.reachability.state = .unreachable
        statistics.reachability.endpointsWithoutChecks = 2
        var discovery = PublicAddressStatus.Snapshot()
        discovery.discovered = [PeerAddress(host: "198.18.0.1", port: 10000)!]
        let json = ColibriStatsJSON.render(statistics, healthy: true, publicAddress: discovery, timestamp: "t")
        #expect(json.contains(#""media_reachability":"unreachable","endpoints_without_ice_checks":2,"#
            + #""endpoints_without_connection":0,"stun_public_addresses":["198.18.0.1"]"#))
    }

    @Test func escapesStrings() {
        #expect(ColibriStatsJSON.quoted("a\"b\\c\n") == #""a\"b\\c\u000a""#)
    }
}

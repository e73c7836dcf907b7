import Bridge
@testable import BridgeServer
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

    @Test func escapesStrings() {
        #expect(ColibriStatsJSON.quoted("a\"b\\c\n") == #""a\"b\\c\u000a""#)
    }
}

import Testing
@testable import XMPP

@Suite struct BridgePresenceStatsTests {
    /// Java's Double.parseDouble must accept every value, so never exponents, NaN or infinity.
    @Test(arguments: [
        (0.0, "0"), (0.05, "0.05"), (1.0, "1"), (0.000001, "0.000001"), (0.0000001, "0"), (1e-5, "0.00001"),
        (12.3456789, "12.345679"), (-0.5, "0"), (Double.nan, "0"), (Double.infinity, "0"), (1e12, "1000000000"),
    ])
    func decimalText(value: Double, text: String) {
        #expect(BridgePresenceStats.decimal(value) == text)
    }

    @Test func releaseIsSentWhenSet() {
        var stats = BridgePresenceStats(stressLevel: 0, version: "1.0")
        stats.release = "7"
        #expect(stats.statPairs.contains { $0.name == "release" && $0.value == "7" })
        #expect(stats.statPairs.first { $0.name == "drain" }?.value == "false")
    }

    @Test func mediaReachabilityIsSentWhenKnownToTheShell() {
        var stats = BridgePresenceStats(stressLevel: 0, version: "1.0")
        #expect(!stats.statPairs.contains { $0.name == "media_reachability" })
        stats.mediaReachability = "unreachable"
        #expect(stats.statPairs.last.map { "\($0.name)=\($0.value)" } == "media_reachability=unreachable")
    }
}

import Colibri
import Testing

/// Replays Fuzz/Corpus/FuzzBridgeChannel (and any reproducers in Fuzz/Crashes/FuzzBridgeChannel).
@Suite struct FuzzBridgeChannelCorpusTests {
    /// Every seed is a known class, and relayed messages read back as themselves.
    @Test func seedsParseAndRelay() throws {
        let seeds = fuzzInputs("Corpus", "FuzzBridgeChannel")
        try #require(seeds.count >= 3)
        for (name, bytes) in seeds {
            let message = try BridgeChannelMessage.parse(bytes)
            if case .other = message { Issue.record("\(name): unknown class") }
            if case .endpointMessage = message {
                let relayed = try BridgeChannelMessage.relayingEndpointMessage(bytes, from: "a1b2c3d4")
                #expect(try BridgeChannelMessage.parse(Array(relayed.utf8)) == message, "\(name)")
                #expect(relayed.contains(#""from":"a1b2c3d4""#), "\(name)")
            }
        }
    }

    @Test func reproducersNoLongerTrap() {
        for (_, bytes) in fuzzInputs("Crashes", "FuzzBridgeChannel") {
            _ = try? BridgeChannelMessage.parse(bytes)
            _ = try? BridgeChannelMessage.relayingEndpointMessage(bytes, from: "a1b2c3d4")
        }
    }
}

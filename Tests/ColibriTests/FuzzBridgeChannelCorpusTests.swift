import Colibri
import Foundation
import Testing

/// Replays Fuzz/Corpus/FuzzBridgeChannel (and any reproducers in Fuzz/Crashes/FuzzBridgeChannel).
@Suite struct FuzzBridgeChannelCorpusTests {
    /// Every seed is a known class, and relayed messages read back as themselves.
    @Test func seedsParseAndRelay() throws {
        let seeds = fuzzSeeds("FuzzBridgeChannel")
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

    /// Every committed input (seeds, inputs kept from fuzzing, reproducers) goes through what
    /// FuzzBridgeChannel does with it: it is rejected with a `BridgeChannelError`, or it parses,
    /// and an `EndpointMessage` or `EndpointStats` relays to JSON that parses back to the same
    /// message and carries the sender's id as `from`, whatever `from` the input claimed.
    @Test func committedInputsKeepTheFuzzTargetsInvariants() throws {
        let inputs = fuzzInputs("Corpus", "FuzzBridgeChannel") + fuzzInputs("Crashes", "FuzzBridgeChannel")
        try #require(inputs.count >= 3)
        let seeds = Set(fuzzSeeds("FuzzBridgeChannel").map(\.name))
        for (name, bytes) in inputs {
            let message: BridgeChannelMessage
            do {
                message = try BridgeChannelMessage.parse(bytes)
            } catch {
                #expect(!seeds.contains(name), "\(name): a seed is rejected: \(error)")
                continue
            }
            switch message {
            case .endpointMessage, .endpointStats:
                let relayed: String
                do {
                    relayed = try BridgeChannelMessage.relayingEndpointMessage(bytes, from: "fuzz-sender")
                } catch {
                    Issue.record("\(name): a message that parsed cannot be relayed: \(error)")
                    continue
                }
                #expect((try? BridgeChannelMessage.parse(Array(relayed.utf8))) == message, "\(name): relaying changed it: \(relayed)")
                let object = try? JSONSerialization.jsonObject(with: Data(relayed.utf8)) as? [String: Any]
                #expect(object?["from"] as? String == "fuzz-sender", "\(name): relayed `from` is not the sender's: \(relayed)")
            case .clientHello:
                let hello = BridgeChannelMessage.serverHello(version: "fuzz")
                #expect((try? BridgeChannelMessage.parse(Array(hello.utf8))) == .other(colibriClass: "ServerHello"), "\(name)")
            case .receiverVideoConstraints, .lastNChanged, .sourceVideoType, .other:
                break
            }
        }
    }
}

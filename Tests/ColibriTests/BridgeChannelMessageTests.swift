import Colibri
import Foundation
import Testing

@Suite struct BridgeChannelMessageTests {
    static func parse(_ json: String) throws(BridgeChannelError) -> BridgeChannelMessage {
        try BridgeChannelMessage.parse(Array(json.utf8))
    }

    @Test func classes() throws {
        #expect(try Self.parse(#"{"colibriClass":"EndpointMessage","to":"","msgPayload":{}}"#) == .endpointMessage(to: ""))
        #expect(try Self.parse(#"{"colibriClass":"EndpointMessage","to":"e5f6a7b8"}"#) == .endpointMessage(to: "e5f6a7b8"))
        #expect(try Self.parse(#"{"colibriClass":"EndpointStats","bitrate":{}}"#) == .endpointStats)
        #expect(try Self.parse(#"{"colibriClass":"ClientHello"}"#) == .clientHello)
        #expect(try Self.parse(#"{"colibriClass":"LastNChangedEvent","lastN":1}"#) == .lastNChanged(lastN: 1))
        #expect(try Self.parse(#"{"colibriClass":"SourceVideoTypeMessage","sourceName":"a-v0","videoType":"DESKTOP"}"#)
            == .sourceVideoType(sourceName: "a-v0", videoType: "desktop"))
        #expect(try Self.parse(#"{"colibriClass":"ReceiverAudioSubscription","all":true}"#) == .other(colibriClass: "ReceiverAudioSubscription"))
    }

    @Test func receiverVideoConstraints() throws {
        let message = try Self.parse("""
            {"colibriClass":"ReceiverVideoConstraints","lastN":-1,"selectedSources":["b-v1"],"onStageSources":["c-v0"],
             "defaultConstraints":{"maxHeight":0},"constraints":{"b-v1":{"maxHeight":1080,"maxFrameRate":30},
             "c-v0":{"maxHeight":360},"bad":{"maxFrameRate":5}},"assumedBandwidthBps":-1}
            """)
        var expected = ReceiverVideoConstraints()
        expected.lastN = -1
        expected.selectedSources = ["b-v1"]
        expected.onStageSources = ["c-v0"]
        expected.defaultConstraints = .init(maxHeight: 0)
        expected.constraints = ["b-v1": .init(maxHeight: 1080, maxFrameRate: 30), "c-v0": .init(maxHeight: 360)]
        expected.assumedBandwidthBps = -1
        #expect(message == .receiverVideoConstraints(expected))
        #expect(try Self.parse(#"{"colibriClass":"ReceiverVideoConstraints"}"#) == .receiverVideoConstraints(ReceiverVideoConstraints()))
    }

    @Test func malformedMessages() {
        #expect(throws: BridgeChannelError.invalidJSON) { try Self.parse("{\"colibriClass\":") }
        #expect(throws: BridgeChannelError.invalidJSON) { try BridgeChannelMessage.parse([0xFF, 0xFE, 0x00]) }
        #expect(throws: BridgeChannelError.notAnObject) { try Self.parse(#"["colibriClass"]"#) }
        #expect(throws: BridgeChannelError.notAnObject) { try Self.parse(#""text""#) }
        #expect(throws: BridgeChannelError.missingColibriClass) { try Self.parse(#"{"to":""}"#) }
        #expect(throws: BridgeChannelError.missingColibriClass) { try Self.parse(#"{"colibriClass":5}"#) }
        #expect(throws: BridgeChannelError.invalidField("to")) { try Self.parse(#"{"colibriClass":"EndpointMessage"}"#) }
        #expect(throws: BridgeChannelError.invalidJSON) { try Self.parse(String(repeating: "[", count: 60_000)) }
    }

    @Test func oversizedMessagesAreRefused() throws {
        let padding = String(repeating: "x", count: BridgeChannelMessage.maxMessageBytes)
        let big = #"{"colibriClass":"EndpointMessage","to":"","p":""# + padding + #""}"#
        #expect(throws: BridgeChannelError.tooLarge) { try Self.parse(big) }
        #expect(throws: BridgeChannelError.tooLarge) { try BridgeChannelMessage.relayingEndpointMessage(Array(big.utf8), from: "a") }
        let fits = #"{"colibriClass":"ClientHello","p":""# + String(repeating: "x", count: 60_000) + #""}"#
        #expect(try Self.parse(fits) == .clientHello)
    }

    @Test func relayKeepsFieldsAndSetsFrom() throws {
        let original = #"""
            {"colibriClass":"EndpointMessage","to":"","from":"spoofed","msgPayload":{"type":"reaction","n":[1,2.5,true,null],"s":"é\u0001/"},"extra":42}
            """#
        let relayed = try BridgeChannelMessage.relayingEndpointMessage(Array(original.utf8), from: "a1b2c3d4")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(relayed.utf8)) as? [String: Any])
        var expected = try #require(try JSONSerialization.jsonObject(with: Data(original.utf8)) as? [String: Any])
        expected["from"] = "a1b2c3d4"
        #expect(NSDictionary(dictionary: object).isEqual(to: expected))
        #expect(object.count == 5)
        #expect(try BridgeChannelMessage.parse(Array(relayed.utf8)) == .endpointMessage(to: ""))
    }

    /// Integers, fractions and booleans stay apart: `true` is no lastN (Foundation's NSNumber read
    /// it as 1), and a relayed message keeps each value's kind and spelling.
    @Test func numbersAndBooleansKeepTheirKinds() throws {
        #expect(try Self.parse(#"{"colibriClass":"LastNChangedEvent","lastN":3.0}"#) == .lastNChanged(lastN: 3))
        #expect(throws: BridgeChannelError.invalidField("lastN")) {
            try Self.parse(#"{"colibriClass":"LastNChangedEvent","lastN":true}"#)
        }
        #expect(throws: BridgeChannelError.invalidField("lastN")) {
            try Self.parse(#"{"colibriClass":"LastNChangedEvent","lastN":1.5}"#)
        }
        let original = #"{"colibriClass":"EndpointMessage","to":"","n":[1,2.5,true,false,null,-7,"x"]}"#
        let relayed = try BridgeChannelMessage.relayingEndpointMessage(Array(original.utf8), from: "a")
        #expect(relayed == #"{"colibriClass":"EndpointMessage","from":"a","n":[1,2.5,true,false,null,-7,"x"],"to":""}"#)
    }

    @Test func serverHello() throws {
        #expect(BridgeChannelMessage.serverHello(version: nil) == #"{"colibriClass":"ServerHello"}"#)
        #expect(BridgeChannelMessage.serverHello(version: "1.0 \"x\"") == #"{"colibriClass":"ServerHello","version":"1.0 \"x\""}"#)
        #expect(try BridgeChannelMessage.parse(Array(BridgeChannelMessage.serverHello(version: "2").utf8)) == .other(colibriClass: "ServerHello"))
    }
}

import Colibri
import Foundation
import Testing

/// The bridge's own bridge-channel messages, checked against what JVB sends and lib-jitsi-meet's
/// `BridgeChannel` reads: field names, JSON types (numbers stay numbers, `active` is a string).
@Suite struct BridgeChannelNoticeTests {
    /// The notice parsed back with Foundation, as a client would.
    static func object(_ notice: BridgeChannelNotice) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(notice.json.utf8)) as? [String: Any])
    }

    /// A JSON number that is not a boolean or string (Foundation hands both back as NSNumber on Linux,
    /// so the raw text is checked too where it matters).
    static func integer(_ value: Any?) -> Int? {
        guard !(value is String), let number = value as? NSNumber else { return nil }
        return number.intValue
    }

    @Test func videoSourcesMap() throws {
        let notice = BridgeChannelNotice.videoSourcesMap([
            VideoSourceMapping(source: "ab12-v0", owner: "ab12", ssrc: 1234, rtx: 5678, videoType: "camera"),
            VideoSourceMapping(source: "cd34-v1", owner: "cd34", ssrc: 0xFFFF_FFFF, rtx: 1, videoType: "DESKTOP", mid: "v1"),
        ])
        #expect(notice.colibriClass == "VideoSourcesMap")
        #expect(notice.json == #"{"colibriClass":"VideoSourcesMap","mappedSources":["#
            + #"{"owner":"ab12","rtx":5678,"source":"ab12-v0","ssrc":1234,"videoType":"CAMERA"},"#
            + #"{"mid":"v1","owner":"cd34","rtx":1,"source":"cd34-v1","ssrc":4294967295,"videoType":"DESKTOP"}]}"#)
        let object = try Self.object(notice)
        #expect(object["colibriClass"] as? String == "VideoSourcesMap")
        let mapped = try #require(object["mappedSources"] as? [[String: Any]])
        #expect(mapped.count == 2)
        #expect(mapped[0]["source"] as? String == "ab12-v0" && mapped[0]["owner"] as? String == "ab12")
        #expect(Self.integer(mapped[0]["ssrc"]) == 1234 && Self.integer(mapped[0]["rtx"]) == 5678)
        #expect(mapped[0]["videoType"] as? String == "CAMERA" && mapped[0]["mid"] == nil)
        #expect(Self.integer(mapped[1]["ssrc"]) == 4_294_967_295 && mapped[1]["mid"] as? String == "v1")
    }

    @Test func audioSourcesMap() throws {
        let notice = BridgeChannelNotice.audioSourcesMap([AudioSourceMapping(source: "ab12-a0", owner: "ab12", ssrc: 4321)])
        #expect(notice.json == #"{"colibriClass":"AudioSourcesMap","mappedSources":[{"owner":"ab12","source":"ab12-a0","ssrc":4321}]}"#)
        let mapped = try #require(try Self.object(notice)["mappedSources"] as? [[String: Any]])
        #expect(mapped.count == 1 && mapped[0].count == 3)
        #expect(Self.integer(mapped[0]["ssrc"]) == 4321 && mapped[0]["rtx"] == nil)
        let withMid = BridgeChannelNotice.audioSourcesMap([AudioSourceMapping(source: "x-a0", owner: "x", ssrc: 7, mid: "a0")])
        #expect(try (Self.object(withMid)["mappedSources"] as? [[String: Any]])?.first?["mid"] as? String == "a0")
    }

    @Test func emptyMapsAreStillArrays() throws {
        #expect(BridgeChannelNotice.videoSourcesMap([]).json == #"{"colibriClass":"VideoSourcesMap","mappedSources":[]}"#)
        #expect(BridgeChannelNotice.forwardedSources([]).json == #"{"colibriClass":"ForwardedSources","forwardedSources":[]}"#)
    }

    @Test func forwardedSources() throws {
        let notice = BridgeChannelNotice.forwardedSources(["ab12-v0", "cd34-v1"])
        #expect(notice.json == #"{"colibriClass":"ForwardedSources","forwardedSources":["ab12-v0","cd34-v1"]}"#)
        #expect(try Self.object(notice)["forwardedSources"] as? [String] == ["ab12-v0", "cd34-v1"])
    }

    @Test func senderSourceConstraints() throws {
        let notice = BridgeChannelNotice.senderSourceConstraints(sourceName: "ab12-v0", maxHeight: 180)
        #expect(notice.json == #"{"colibriClass":"SenderSourceConstraints","maxHeight":180,"sourceName":"ab12-v0"}"#)
        let object = try Self.object(notice)
        // lib-jitsi-meet drops the message unless sourceName is a string and maxHeight a number.
        #expect(object["sourceName"] as? String == "ab12-v0" && Self.integer(object["maxHeight"]) == 180)
        #expect(BridgeChannelNotice.senderSourceConstraints(sourceName: "a-v0", maxHeight: 0).json.contains(#""maxHeight":0"#))
    }

    @Test func dominantSpeakerChanged() throws {
        let notice = BridgeChannelNotice.dominantSpeakerChanged(dominantSpeaker: "ab12", previousSpeakers: ["cd34", "ef56"], silence: false)
        #expect(notice.json == #"{"colibriClass":"DominantSpeakerEndpointChangeEvent","dominantSpeakerEndpoint":"ab12","#
            + #""previousSpeakers":["cd34","ef56"],"silence":false}"#)
        let object = try Self.object(notice)
        #expect(object["dominantSpeakerEndpoint"] as? String == "ab12")
        #expect(object["previousSpeakers"] as? [String] == ["cd34", "ef56"])
        #expect((object["silence"] as? NSNumber)?.boolValue == false && !(object["silence"] is String))
        let silent = BridgeChannelNotice.dominantSpeakerChanged(dominantSpeaker: "ab12", previousSpeakers: [], silence: true)
        #expect(silent.json.contains(#""previousSpeakers":[],"silence":true"#))
    }

    @Test func endpointConnectivityStatusActiveIsAString() throws {
        let inactive = BridgeChannelNotice.endpointConnectivityStatusChanged(endpoint: "cd34", active: false)
        #expect(inactive.json == #"{"active":"false","colibriClass":"EndpointConnectivityStatusChangeEvent","endpoint":"cd34"}"#)
        let object = try Self.object(inactive)
        #expect(object["active"] as? String == "false" && object["endpoint"] as? String == "cd34")
        let active = BridgeChannelNotice.endpointConnectivityStatusChanged(endpoint: "cd34", active: true)
        #expect(try Self.object(active)["active"] as? String == "true")
    }

    @Test func connectionStats() throws {
        let notice = BridgeChannelNotice.connectionStats(estimatedDownlinkBandwidthBps: 2_500_000)
        #expect(notice.json == #"{"colibriClass":"ConnectionStats","estimatedDownlinkBandwidth":2500000}"#)
        #expect(Self.integer(try Self.object(notice)["estimatedDownlinkBandwidth"]) == 2_500_000)
    }

    /// Names come from clients (presence, Colibri): quotes, backslashes and control characters
    /// are escaped, never spliced into the text.
    @Test func hostileNamesAreEscaped() throws {
        let name = "x\",\"colibriClass\":\"Evil\\\u{1}é"
        let notices: [BridgeChannelNotice] = [
            .forwardedSources([name]),
            .senderSourceConstraints(sourceName: name, maxHeight: 1),
            .endpointConnectivityStatusChanged(endpoint: name, active: true),
            .dominantSpeakerChanged(dominantSpeaker: name, previousSpeakers: [name], silence: false),
            .videoSourcesMap([VideoSourceMapping(source: name, owner: name, ssrc: 1, rtx: 2, videoType: "camera")]),
        ]
        for notice in notices {
            let object = try Self.object(notice)
            #expect(object["colibriClass"] as? String == notice.colibriClass)
            #expect(notice.json.contains(name) == false)
        }
        #expect(try Self.object(.senderSourceConstraints(sourceName: name, maxHeight: 1))["sourceName"] as? String == name)
    }

    /// What the client parses with our own parser: every notice is a JSON object with its class.
    @Test func noticesParseAsOtherClasses() throws {
        let notice = BridgeChannelNotice.forwardedSources(["a-v0"])
        #expect(try BridgeChannelMessage.parse(Array(notice.json.utf8)) == .other(colibriClass: "ForwardedSources"))
    }
}

/// `EndpointStats` is relayed like `EndpointMessage`: same fields, `from` set by the bridge.
@Suite struct EndpointStatsRelayTests {
    @Test func relayedStatsKeepFieldsAndGainFrom() throws {
        let original = #"""
            {"colibriClass":"EndpointStats","bitrate":{"upload":1200,"download":800},"packetLoss":{"total":0.5},
             "connectionQuality":100,"jvbRTT":12,"serverRegion":"eu","maxEnabledResolution":720,"from":"spoofed"}
            """#
        let relayed = try BridgeChannelMessage.relayingEndpointMessage(Array(original.utf8), from: "ab12")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(relayed.utf8)) as? [String: Any])
        var expected = try #require(try JSONSerialization.jsonObject(with: Data(original.utf8)) as? [String: Any])
        expected["from"] = "ab12"
        #expect(NSDictionary(dictionary: object).isEqual(to: expected))
        #expect(object["from"] as? String == "ab12" && object["colibriClass"] as? String == "EndpointStats")
        #expect(try BridgeChannelMessage.parse(Array(relayed.utf8)) == .endpointStats)
    }

    @Test func statsWithoutFromGainIt() throws {
        let relayed = try BridgeChannelMessage.relayingEndpointMessage(Array(#"{"colibriClass":"EndpointStats"}"#.utf8), from: "cd34")
        #expect(relayed == #"{"colibriClass":"EndpointStats","from":"cd34"}"#)
    }
}

import Colibri
import Testing
import XMLStream

@Suite struct ConferenceModifyTests {
    @Test func createConferenceAndFirstEndpoint() throws {
        let request = try Colibri2Examples.request(Colibri2Examples.createConference)
        #expect(request.meetingID == Colibri2Examples.meetingID)
        #expect(request.name == "standup@conference.example.com")
        #expect(request.create && !request.expire && request.rtcstatsEnabled)
        #expect(request.relays.isEmpty && !request.hasConnects)
        #expect(request.needsFeedbackSources && !request.isExpireOrForceMuteOnly)
        try request.validate()

        let endpoint = try #require(request.endpoints.first)
        #expect(request.endpoints.count == 1)
        #expect(endpoint.id == "a1b2c3d4" && endpoint.create && endpoint.statsID == "Alice-x7q")
        #expect(endpoint.capabilities == ["source-names", "ssrc-rewriting"])
        #expect(endpoint.sources == [])  // <sources/> is present and empty
        #expect(endpoint.forceMute == nil && endpoint.initialLastN == nil && !endpoint.isVisitor)
        #expect(endpoint.transport?.iceControlling == true)
        #expect(endpoint.transport?.ice == nil)
        #expect(endpoint.transport?.sctp == SCTPDescription())
        #expect(endpoint.wantsSCTP)

        try #require(endpoint.media.count == 2)
        let audio = endpoint.media[0]
        #expect(audio.type == .audio && audio.extmapAllowMixed)
        #expect(audio.payloadTypes.map(\.id) == [111, 126])
        let opus = audio.payloadTypes[0]
        #expect(opus.name == "opus" && opus.clockrate == 48000 && opus.channels == 2)
        #expect(opus.parameters == [.init(name: "minptime", value: "10"), .init(name: "useinbandfec", value: "1")])
        #expect(opus.rtcpFeedback == [.init(type: "transport-cc")])
        #expect(audio.payloadTypes[1].channels == nil && audio.payloadTypes[1].clockrate == 8000)
        #expect(audio.headerExtensions.map(\.id) == [1, 10, 5])
        #expect(audio.headerExtensions[0].uri == "urn:ietf:params:rtp-hdrext:ssrc-audio-level")

        let video = endpoint.media[1]
        #expect(video.type == .video && video.extmapAllowMixed)
        #expect(video.payloadTypes.map(\.id) == [41, 100, 107, 101, 42, 96, 97, 99])
        #expect(video.payloadTypes.map(\.name) == ["AV1", "VP8", "H264", "VP9", "rtx", "rtx", "rtx", "rtx"])
        #expect(video.payloadTypes[0].rtcpFeedback == [
            .init(type: "ccm", subtype: "fir"), .init(type: "nack"), .init(type: "nack", subtype: "pli"), .init(type: "transport-cc"),
        ])
        #expect(video.payloadTypes[2].parameter("profile-level-id") == "42e01f;level-asymmetry-allowed=1;packetization-mode=1;")
        #expect(video.payloadTypes[4...].map { $0.parameter("apt") } == ["41", "100", "101", "107"])
        #expect(video.headerExtensions.map(\.id) == [11, 10, 3, 5])
        #expect(video.headerExtensions[0].uri.hasSuffix("#dependency-descriptor-rtp-header-extension"))
    }

    @Test func sessionAcceptWithSimulcastSources() throws {
        let request = try Colibri2Examples.request(Colibri2Examples.sessionAccept)
        #expect(!request.create && request.name == nil && !request.needsFeedbackSources)
        try request.validate()
        let endpoint = try #require(request.endpoints.first)
        #expect(!endpoint.create && endpoint.media.isEmpty && endpoint.carriesCreateMediaTransportOrSources)
        let ice = try #require(endpoint.transport?.ice)
        #expect(ice.ufrag == "Fh3x" && ice.password == "p2Yq8..." && ice.candidates.isEmpty && !ice.rtcpMux)
        #expect(ice.fingerprints == [FingerprintDescription(hash: "sha-256", setup: "active", value: "9C:2E:...:01")])
        #expect(endpoint.transport?.iceControlling == nil && endpoint.transport?.sctp == nil)

        let sources = try #require(endpoint.sources)
        try #require(sources.count == 2)
        #expect(sources[0] == MediaSourceDescription(type: .audio, id: "a1b2c3d4-a0", sources: [.init(ssrc: 1111, name: "a1b2c3d4-a0")]))
        let video = sources[1]
        #expect(video.type == .video && video.id == "a1b2c3d4-v0" && !video.synthetic)
        #expect(video.sources.map(\.ssrc) == [2001, 2002, 2003, 2101, 2102, 2103])
        #expect(video.sources.allSatisfy { $0.videoType == "camera" && $0.name == "a1b2c3d4-v0" })
        #expect(video.groups == [
            .init(semantics: "SIM", ssrcs: [2001, 2002, 2003]),
            .init(semantics: "FID", ssrcs: [2001, 2101]),
            .init(semantics: "FID", ssrcs: [2002, 2102]),
            .init(semantics: "FID", ssrcs: [2003, 2103]),
        ])
    }

    @Test func trickledCandidate() throws {
        let request = try Colibri2Examples.request(Colibri2Examples.trickle)
        try request.validate()
        let endpoint = try #require(request.endpoints.first)
        #expect(endpoint.sources == nil)  // absent <sources>: keep the current set
        #expect(endpoint.transport?.ice?.candidates == [CandidateDescription(
            component: 1, foundation: "842163049", generation: 0, id: "1", ip: "192.168.1.20", port: 54321,
            priority: 2_122_260_223, protocol: "udp", type: "host", network: 1
        )])
    }

    @Test func secondEndpoint() throws {
        let request = try Colibri2Examples.request(Colibri2Examples.secondEndpoint)
        #expect(!request.create && request.name == nil)
        #expect(request.endpoints.map(\.id) == ["e5f6a7b8"])
        #expect(request.needsFeedbackSources)
        try request.validate()
    }

    @Test func batchedForceMute() throws {
        let request = try Colibri2Examples.request(Colibri2Examples.forceMute)
        #expect(request.endpoints.map(\.id) == ["a1b2c3d4", "e5f6a7b8"])
        #expect(request.endpoints.map(\.forceMute) == [ForceMute(audio: true, video: false), ForceMute(audio: true, video: false)])
        #expect(request.isExpireOrForceMuteOnly)
        try request.validate()
    }

    @Test func expires() throws {
        let endpoint = try Colibri2Examples.request(Colibri2Examples.expireEndpoint)
        #expect(endpoint.endpoints == [EndpointModify(id: "e5f6a7b8", expire: true)])
        #expect(endpoint.isExpireOrForceMuteOnly && !endpoint.expire)
        let conference = try Colibri2Examples.request(Colibri2Examples.expireConference)
        #expect(conference.expire && conference.endpoints.isEmpty && conference.isExpireOrForceMuteOnly)
    }

    @Test func unknownChildrenAndAttributesAreIgnored() throws {
        let request = try Colibri2Examples.request("""
            <conference-modify xmlns="jitsi:colibri2" meeting-id="m" rtcstats-enabled="false" future="1">
              <traceparent xmlns="urn:example:trace" value="00-abc"/>
              <endpoint id="a" diarize="true"><media type="data"/><unknown/><initial-last-n value="5"/>
                <force-mute/><transport xmlns="urn:example:other"/></endpoint>
              <connects><connect url="wss://127.0.0.1/x"/></connects>
            </conference-modify>
            """)
        #expect(!request.rtcstatsEnabled && request.hasConnects)
        let endpoint = try #require(request.endpoints.first)
        #expect(endpoint.media.isEmpty && endpoint.transport == nil)
        #expect(endpoint.initialLastN == 5 && endpoint.forceMute == ForceMute(audio: false, video: false))
    }

    @Test func structuralBadRequests() {
        let cases = [
            "<conference-modify meeting-id='m'/>",  // no namespace
            "<conference-modified xmlns='jitsi:colibri2' meeting-id='m'/>",
            "<conference-modify xmlns='jitsi:colibri2'/>",
            "<conference-modify xmlns='jitsi:colibri2' meeting-id='  '/>",
            "<conference-modify xmlns='jitsi:colibri2' meeting-id='m' name='no-local-part.example.com'/>",
            "<conference-modify xmlns='jitsi:colibri2' meeting-id='m' name='room@example.com/resource'/>",
            "<conference-modify xmlns='jitsi:colibri2' meeting-id='m' name='a b@example.com'/>",
            "<conference-modify xmlns='jitsi:colibri2' meeting-id='m'><endpoint/></conference-modify>",
            "<conference-modify xmlns='jitsi:colibri2' meeting-id='m'><endpoint id='a'><media type='audio'>"
                + "<payload-type xmlns='urn:xmpp:jingle:apps:rtp:1' id='300'/></media></endpoint></conference-modify>",
            "<conference-modify xmlns='jitsi:colibri2' meeting-id='m'><endpoint id='a'><media type='video'>"
                + "<rtp-hdrext xmlns='urn:xmpp:jingle:apps:rtp:rtp-hdrext:0' id='x' uri='u'/></media></endpoint></conference-modify>",
            "<conference-modify xmlns='jitsi:colibri2' meeting-id='m'><endpoint id='a'><sources><media-source type='video' id='v'>"
                + "<source xmlns='urn:xmpp:jingle:apps:rtp:ssma:0' ssrc='4294967296'/></media-source></sources></endpoint></conference-modify>",
            "<conference-modify xmlns='jitsi:colibri2' meeting-id='m'><endpoint id='a'><transport><sctp port='x'/></transport></endpoint></conference-modify>",
        ]
        for xml in cases {
            #expect(throws: Colibri2Error.self, "\(xml)") {
                do { _ = try Colibri2Examples.request(xml) } catch let error as Colibri2Error {
                    #expect(error.condition == .badRequest && error.reason == nil && error.httpStatus == 400)
                    throw error
                }
            }
        }
    }

    @Test func malformedCandidatesAreDroppedNotFatal() throws {
        let request = try Colibri2Examples.request("""
            <conference-modify xmlns="jitsi:colibri2" meeting-id="m"><endpoint id="a"><transport>
            <transport xmlns="urn:xmpp:jingle:transports:ice-udp:1" ufrag="u" pwd="p">
              <candidate component="1" foundation="1" ip="10.0.0.1" port="99999" priority="1" type="host"/>
              <candidate component="1" foundation="2" ip="abc.local" port="9" priority="7" type="host" protocol="tcp" tcptype="active"/>
              <rtcp-mux/><web-socket xmlns="http://jitsi.org/protocol/colibri" url="wss://127.0.0.1/colibri-ws/x"/>
            </transport></transport></endpoint></conference-modify>
            """)
        let ice = try #require(request.endpoints.first?.transport?.ice)
        #expect(ice.candidates.map(\.ip) == ["abc.local"])
        #expect(ice.candidates.first?.tcpType == "active")
        #expect(ice.rtcpMux && ice.webSocketURLs == ["wss://127.0.0.1/colibri-ws/x"])
    }
}

@Suite struct ConferenceModifyHostileInputTests {
    /// Mutated and truncated copies of example (a): each must parse, or fail with a typed error.
    @Test func mutationsNeverTrap() {
        let original = Array(Colibri2Examples.createConference.utf8)
        var seed: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next() -> Int {
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int(truncatingIfNeeded: seed >> 33)
        }
        let alphabet = Array("<>/=\"' &;:#x0123456789-abc\u{0}\u{FF}".utf8)
        var parsed = 0
        for _ in 0..<3000 {
            var bytes = original
            for _ in 0...(next() % 4) {
                let index = next() % bytes.count
                switch next() % 3 {
                case 0: bytes[index] = alphabet[next() % alphabet.count]
                case 1: bytes.remove(at: index)
                default: bytes.insert(alphabet[next() % alphabet.count], at: index)
                }
            }
            if next() % 8 == 0 { bytes.removeLast(next() % bytes.count) }
            guard let element = try? XMLDocument.parse(bytes), let request = try? ConferenceModify(element: element) else { continue }
            _ = try? request.validate()
            parsed += 1
        }
        #expect(parsed > 0)
    }
}

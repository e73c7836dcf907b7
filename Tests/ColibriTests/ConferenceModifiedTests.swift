import Colibri
import Testing
import XMLStream

@Suite struct ConferenceModifiedTests {
    static let transport = ICEUDPTransportDescription(
        ufrag: "3qk7a1fv2mo9", password: "5b2d7u1kq0c4vn8e3hfr6t1m0s",
        candidates: [
            CandidateDescription(foundation: "1", id: "c0a80005", ip: "10.0.0.5", port: 10000, priority: 2_130_706_431, type: "host"),
            CandidateDescription(foundation: "2", id: "c0a80006", ip: "203.0.113.7", port: 10000, priority: 1_694_498_815,
                                 type: "srflx", relAddr: "10.0.0.5", relPort: 10000),
        ],
        fingerprints: [FingerprintDescription(hash: "sha-256", setup: "actpass", value: "4A:1F:C3")],
        rtcpMux: true
    )

    /// The response to example (a), serialised and parsed back.
    @Test func createResponseMatchesExampleA() throws {
        let response = ConferenceModified(
            endpoints: [EndpointModified(id: "a1b2c3d4", transport: Self.transport, sctp: .bridgeServer)],
            sources: MediaSourceDescription.feedbackSources(audioSSRC: 3_191_927_963, videoSSRC: 1_863_439_907)
        )
        let root = try XMLDocument.parse(response.element().xmlString())
        #expect(root.name == "conference-modified" && root.namespace == "jitsi:colibri2")
        try #require(root.children.count == 2)

        let endpoint = root.children[0]
        #expect(endpoint.name == "endpoint" && endpoint.namespace == "jitsi:colibri2")
        #expect(endpoint.attributes.map(\.name) == ["id"] && endpoint.attribute("id") == "a1b2c3d4")
        let wrapper = try #require(endpoint.child("transport", namespace: "jitsi:colibri2"))
        let ice = try #require(wrapper.child("transport", namespace: "urn:xmpp:jingle:transports:ice-udp:1"))
        #expect(ice.attribute("ufrag") == "3qk7a1fv2mo9" && ice.attribute("pwd") == "5b2d7u1kq0c4vn8e3hfr6t1m0s")
        #expect(ice.attribute("ice-generation") == nil)
        #expect(ice.children.map(\.name) == ["candidate", "candidate", "rtcp-mux", "fingerprint"])
        let host = ice.children[0]
        #expect(host.namespace == "urn:xmpp:jingle:transports:ice-udp:1")
        for (name, value) in [("component", "1"), ("foundation", "1"), ("generation", "0"), ("id", "c0a80005"), ("network", "0"),
                              ("priority", "2130706431"), ("protocol", "udp"), ("type", "host"), ("ip", "10.0.0.5"), ("port", "10000")] {
            #expect(host.attribute(name) == value, "\(name)")
        }
        #expect(host.attribute("rel-addr") == nil)
        #expect(ice.children[1].attribute("rel-addr") == "10.0.0.5" && ice.children[1].attribute("rel-port") == "10000")
        #expect(ice.children[2].namespace == "urn:xmpp:jingle:transports:ice-udp:1")
        let fingerprint = ice.children[3]
        #expect(fingerprint.namespace == "urn:xmpp:jingle:apps:dtls:0" && fingerprint.text == "4A:1F:C3")
        #expect(fingerprint.attribute("hash") == "sha-256" && fingerprint.attribute("setup") == "actpass")
        #expect(fingerprint.attribute("cryptex") == nil)
        let sctp = try #require(wrapper.child("sctp", namespace: "jitsi:colibri2"))
        #expect(sctp.attribute("port") == "5000" && sctp.attribute("role") == "server")

        let sources = root.children[1]
        #expect(sources.name == "sources" && sources.namespace == "jitsi:colibri2")
        let parsed = try sources.children.compactMap { try MediaSourceDescription(element: $0) }
        #expect(parsed == [
            MediaSourceDescription(type: .audio, id: "jvb-a0", sources: [.init(ssrc: 3_191_927_963, name: "jvb-a0")]),
            MediaSourceDescription(type: .video, id: "jvb-v0", sources: [.init(ssrc: 1_863_439_907, name: "jvb-v0")]),
        ])
        #expect(sources.children[0].children[0].namespace == "urn:xmpp:jingle:apps:rtp:ssma:0")
        // The transport the bridge builds parses back to itself.
        #expect(try ICEUDPTransportDescription(element: ice) == Self.transport)
    }

    @Test func echoesAndExpires() throws {
        let response = ConferenceModified(endpoints: [EndpointModified(id: "a"), EndpointModified(id: "b", expire: true)])
        let root = try XMLDocument.parse(response.element().xmlString())
        #expect(root.children.map { $0.attributes.map(\.name) } == [["id"], ["id", "expire"]])
        #expect(root.children[1].attribute("expire") == "true" && root.children.allSatisfy(\.children.isEmpty))
        #expect(ConferenceModified().element().xmlString() == "<conference-modified xmlns=\"jitsi:colibri2\"/>")
    }

    @Test func iceRestartCarriesGeneration() throws {
        var restarted = Self.transport
        restarted.iceGeneration = 2
        let element = EndpointModified(id: "a", transport: restarted).element()
        let ice = try #require(element.child("transport")?.child("transport"))
        #expect(ice.attribute("ice-generation") == "2")
        #expect(element.child("transport")?.child("sctp") == nil)
    }

    @Test func mediaSourceRoundTrip() throws {
        let source = MediaSourceDescription(
            type: .video, id: "a-v0", synthetic: true,
            sources: [.init(ssrc: 1, name: "a-v0", videoType: "desktop"), .init(ssrc: 2, name: "a-v0")],
            groups: [.init(semantics: "FID", ssrcs: [1, 2])]
        )
        let reparsed = try XMLDocument.parse(source.element().xmlString())
        #expect(try MediaSourceDescription(element: reparsed) == source)
    }
}

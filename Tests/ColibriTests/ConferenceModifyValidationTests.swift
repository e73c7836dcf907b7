import Colibri
import Testing

@Suite struct ConferenceModifyValidationTests {
    /// A create endpoint that passes validation, to be varied per rule.
    static func creating(_ id: String, transport: TransportModify? = TransportModify(iceControlling: true),
                         capabilities: Set<String> = ["source-names"]) -> EndpointModify {
        EndpointModify(id: id, create: true, transport: transport, sources: [], capabilities: capabilities)
    }

    static func expectError(_ request: ConferenceModify, _ condition: StanzaErrorCondition,
                            _ reason: Colibri2ErrorReason?, sourceLocation: SourceLocation = #_sourceLocation) {
        do {
            try request.validate()
            Issue.record("accepted", sourceLocation: sourceLocation)
        } catch {
            #expect(error.condition == condition && error.reason == reason, sourceLocation: sourceLocation)
        }
    }

    @Test func validCreatePasses() throws {
        try ConferenceModify(meetingID: "m", create: true, endpoints: [Self.creating("a")]).validate()
    }

    @Test func relaysAreRefused() {
        Self.expectError(ConferenceModify(meetingID: "m", relays: ["r1"]), .featureNotImplemented, .featureNotImplemented)
        Self.expectError(
            ConferenceModify(meetingID: "m", endpoints: [EndpointModify(id: "a", expire: true)], relays: ["r1"]),
            .featureNotImplemented, .featureNotImplemented
        )
    }

    @Test func atMostOneAllocatingEndpoint() throws {
        Self.expectError(
            ConferenceModify(meetingID: "m", endpoints: [Self.creating("a"), Self.creating("b")]),
            .featureNotImplemented, .featureNotImplemented
        )
        let mediaAndSources = [
            EndpointModify(id: "a", media: [MediaDescription(type: .audio)]),
            EndpointModify(id: "b", sources: []),
        ]
        Self.expectError(ConferenceModify(meetingID: "m", endpoints: mediaAndSources), .featureNotImplemented, .featureNotImplemented)
        // Several force-mutes or expires with one allocation are fine.
        try ConferenceModify(meetingID: "m", endpoints: [
            Self.creating("a"), EndpointModify(id: "b", forceMute: ForceMute(audio: true, video: false)),
            EndpointModify(id: "c", expire: true),
        ]).validate()
    }

    @Test func createNeedsTransportAndSourceNames() {
        Self.expectError(ConferenceModify(meetingID: "m", endpoints: [Self.creating("a", transport: nil)]), .badRequest, nil)
        Self.expectError(ConferenceModify(meetingID: "m", endpoints: [Self.creating("a", capabilities: ["ssrc-rewriting"])]), .badRequest, nil)
    }

    @Test func sctpMustBeServerOnPort5000() throws {
        for sctp in [SCTPDescription(role: .client), SCTPDescription(port: 5001), SCTPDescription(port: 5001, role: .server)] {
            let endpoint = Self.creating("a", transport: TransportModify(iceControlling: true, sctp: sctp))
            Self.expectError(ConferenceModify(meetingID: "m", endpoints: [endpoint]), .badRequest, nil)
        }
        for sctp in [SCTPDescription(), SCTPDescription.bridgeServer] {
            let endpoint = Self.creating("a", transport: TransportModify(iceControlling: true, sctp: sctp))
            try ConferenceModify(meetingID: "m", endpoints: [endpoint]).validate()
        }
    }

    @Test func visitorsHaveNoSources() throws {
        var visitor = Self.creating("v")
        visitor.mucRole = "visitor"
        try ConferenceModify(meetingID: "m", endpoints: [visitor]).validate()  // empty <sources/> is fine
        visitor.sources = [MediaSourceDescription(type: .audio, id: "v-a0", sources: [.init(ssrc: 1)])]
        Self.expectError(ConferenceModify(meetingID: "m", endpoints: [visitor]), .badRequest, nil)
    }

    @Test func expireOrForceMuteOnly() {
        #expect(ConferenceModify(meetingID: "m", endpoints: [EndpointModify(id: "a", statsID: "x", initialLastN: 3)]).isExpireOrForceMuteOnly)
        #expect(!ConferenceModify(meetingID: "m", create: true).isExpireOrForceMuteOnly)
        #expect(!ConferenceModify(meetingID: "m", endpoints: [EndpointModify(id: "a", transport: TransportModify())]).isExpireOrForceMuteOnly)
        #expect(!ConferenceModify(meetingID: "m", endpoints: [EndpointModify(id: "a", sources: [])]).isExpireOrForceMuteOnly)
    }
}

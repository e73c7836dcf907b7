import Testing
import XMLStream
@testable import XMPP

@Suite struct BreweryPresenceTests {
    static let room = BreweryRoom(name: "jvbbrewery", mucDomain: "internal-muc.meet.jitsi", nickname: "jvb-01")

    @Test func joinPresenceShape() throws {
        let stats = BridgePresenceStats(
            stressLevel: 0.05, averageParticipantStress: 0.01, version: "1.0.0", conferences: 1, participants: 2,
            region: "eu-west", relayID: "10.0.0.5"
        )
        let presence = BreweryPresence.element(room: Self.room, stats: stats, join: true)
        #expect(
            presence.xmlString(parentNamespace: XMPPNamespace.client)
                == "<presence to=\"jvbbrewery@internal-muc.meet.jitsi/jvb-01\">"
                + "<x xmlns=\"http://jabber.org/protocol/muc\"/>"
                + "<stats xmlns=\"http://jitsi.org/protocol/colibri\">"
                + "<stat name=\"stress_level\" value=\"0.05\"/>"
                + "<stat name=\"average_participant_stress\" value=\"0.01\"/>"
                + "<stat name=\"drain\" value=\"false\"/>"
                + "<stat name=\"graceful_shutdown\" value=\"false\"/>"
                + "<stat name=\"shutting_down\" value=\"false\"/>"
                + "<stat name=\"healthy\" value=\"true\"/>"
                + "<stat name=\"version\" value=\"1.0.0\"/>"
                + "<stat name=\"region\" value=\"eu-west\"/>"
                + "<stat name=\"relay_id\" value=\"10.0.0.5\"/>"
                + "<stat name=\"conferences\" value=\"1\"/>"
                + "<stat name=\"participants\" value=\"2\"/>"
                + "</stats></presence>"
        )
    }

    /// Parsed back as jicofo reads it: the stats element by namespace, each stat by name.
    @Test func updateParsesLikeJicofoReadsIt() throws {
        var stats = BridgePresenceStats(stressLevel: 1.25, version: "1.0.0")
        stats.drain = true
        stats.gracefulShutdown = true
        let xml = BreweryPresence.element(room: Self.room, stats: stats, join: false).xmlString()
        let parsed = try XMLDocument.parse(xml)
        #expect(parsed.child("x") == nil)
        let statsElement = try #require(parsed.child("stats", namespace: "http://jitsi.org/protocol/colibri"))
        var values: [String: String] = [:]
        for stat in statsElement.children("stat") { values[stat.attribute("name") ?? ""] = stat.attribute("value") }
        #expect(values["stress_level"].flatMap(Double.init) == 1.25)
        #expect(values["drain"] == "true")
        #expect(values["graceful_shutdown"] == "true")
        #expect(values["shutting_down"] == "false")
        #expect(values["region"] == nil)
        #expect(values["relay_id"] == nil)
        #expect(values["release"] == nil)
        #expect(values.count == 9)
    }

    @Test func leaveIsUnavailable() {
        #expect(
            BreweryPresence.leave(room: Self.room).xmlString()
                == "<presence to=\"jvbbrewery@internal-muc.meet.jitsi/jvb-01\" type=\"unavailable\"/>"
        )
    }
}

import Bridge
@testable import BridgeServer
import Colibri
import Testing
import XMLStream
import XMPP

@Suite struct BreweryResponderTests {
    static let room = BreweryRoom(name: "jvbbrewery", mucDomain: "internal-muc.meet.jitsi", nickname: "jvb-1")
    static let responder = BreweryResponder(room: room)
    static let focus = "jvbbrewery@internal-muc.meet.jitsi/focus"
    static let me = "jvb@auth.meet.jitsi/abc"

    func handle(_ xml: String, healthy: Bool = true) throws -> BreweryAction {
        Self.responder.handle(try XMLDocument.parse(xml), healthy: healthy)
    }

    func iq(_ payload: String, from: String = focus, id: String = "q1") -> String {
        "<iq xmlns='jabber:client' type='get' id='\(id)' from='\(from)' to='\(Self.me)'>\(payload)</iq>"
    }

    func reply(_ action: BreweryAction) throws -> XMLElement {
        guard case .reply(let element) = action else { throw ResponderTestError.notAReply("\(action)") }
        return element
    }

    enum ResponderTestError: Error { case notAReply(String) }

    @Test func healthCheckAnswersResultWhenHealthyAndErrorOtherwise() throws {
        let healthy = try reply(handle(iq("<healthcheck xmlns='http://jitsi.org/protocol/healthcheck'/>")))
        #expect(healthy.attribute("type") == "result" && healthy.attribute("id") == "q1")
        #expect(healthy.attribute("to") == Self.focus && healthy.attribute("from") == Self.me)
        let sick = try reply(handle(iq("<healthcheck xmlns='http://jitsi.org/protocol/healthcheck'/>"), healthy: false))
        #expect(sick.attribute("type") == "error")
        #expect(sick.child("error")?.child("internal-server-error", namespace: XMPPNamespace.stanzaErrors) != nil)
    }

    @Test func versionNamesTheBridge() throws {
        let answer = try reply(handle(iq("<query xmlns='jabber:iq:version'/>")))
        #expect(answer.child("query", namespace: XMPPNamespace.version)?.child("name")?.text == BridgeVersion.name)
    }

    @Test func colibriRequestsGoToTheEngineWithTheirReplyAddress() throws {
        let action = try handle(iq("<conference-modify xmlns='jitsi:colibri2' meeting-id='m1' create='true'/>"))
        guard case .colibri(let request, let iq) = action else {
            Issue.record("expected a colibri route, got \(action)")
            return
        }
        #expect(request.name == "conference-modify" && request.attribute("meeting-id") == "m1")
        #expect(iq == IQRequest(id: "q1", from: Self.focus, to: Self.me))
    }

    @Test func outsidersAreForbiddenAndUnknownPayloadsUnavailable() throws {
        let outsider = try reply(handle(iq("<healthcheck xmlns='http://jitsi.org/protocol/healthcheck'/>", from: "focus@auth.meet.jitsi/x")))
        #expect(outsider.child("error")?.child("forbidden", namespace: XMPPNamespace.stanzaErrors) != nil)
        let unknown = try reply(handle(iq("<graceful-shutdown xmlns='http://jitsi.org/protocol/colibri'/>")))
        #expect(unknown.child("error")?.child("service-unavailable", namespace: XMPPNamespace.stanzaErrors) != nil)
    }

    @Test func ourOwnPresenceMarksTheJoinAndErrorsUndoIt() throws {
        let own = "jvbbrewery@internal-muc.meet.jitsi/jvb-1"
        #expect(try handle("<presence xmlns='jabber:client' from='\(own)'><x xmlns='http://jabber.org/protocol/muc#user'/></presence>") == .joined)
        #expect(try handle("<presence xmlns='jabber:client' from='jvbbrewery@internal-muc.meet.jitsi/focus'/>") == .none)
        let conflict = try handle(
            "<presence xmlns='jabber:client' type='error' from='\(own)'><error type='cancel'><conflict xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></presence>"
        )
        #expect(conflict == .left("conflict"))
        #expect(try handle("<presence xmlns='jabber:client' type='unavailable' from='\(own)'/>") != .joined)
    }

    @Test func outcomesBecomeResultsOrErrorsWithTheColibriReason() throws {
        let request = IQRequest(id: "q9", from: Self.focus, to: Self.me)
        let success = BreweryResponder.reply(to: request, outcome: .success(XMLElement("conference-modified", namespace: "jitsi:colibri2")))
        #expect(success.attribute("type") == "result" && success.child("conference-modified") != nil)
        let error = Colibri2Error.gracefulShutdown
        let failure = BreweryResponder.reply(to: request, outcome: .failure(error: error.element(), httpStatus: error.httpStatus))
        #expect(failure.attribute("type") == "error" && failure.attribute("id") == "q9")
        let reason = failure.child("error")?.child("error", namespace: "jitsi:colibri2")?.attribute("reason")
        #expect(reason == "graceful_shutdown")
    }
}

import Testing
import XMLStream
@testable import XMPP

@Suite struct IQReplyTests {
    static let request = IQRequest(
        id: "k1", from: "jvbbrewery@internal-muc.meet.jitsi/focus", to: "jvbbrewery@internal-muc.meet.jitsi/jvb-01")

    static func text(_ element: XMLElement) -> String { element.xmlString(parentNamespace: XMPPNamespace.client) }

    @Test func resultSwapsAddressesAndKeepsID() {
        #expect(
            Self.text(IQReply.result(to: Self.request))
                == "<iq type=\"result\" id=\"k1\" to=\"jvbbrewery@internal-muc.meet.jitsi/focus\" "
                + "from=\"jvbbrewery@internal-muc.meet.jitsi/jvb-01\"/>"
        )
    }

    @Test func resultWithPayload() {
        let payload = XMLElement("conference-modified", namespace: XMPPNamespace.colibri2, attributes: [("meeting-id", "m")])
        #expect(Self.text(IQReply.result(to: Self.request, payload: payload)).contains(
            "<conference-modified xmlns=\"jitsi:colibri2\" meeting-id=\"m\"/></iq>"))
    }

    @Test(arguments: IQErrorCondition.allCases)
    func errorWithCondition(condition: IQErrorCondition) {
        let reply = IQReply.error(to: Self.request, condition: condition, text: "why")
        #expect(reply.attribute("type") == "error")
        #expect(reply.attribute("id") == "k1")
        #expect(reply.attribute("to") == Self.request.from)
        let error = reply.child("error")
        #expect(error?.attribute("type") == condition.errorType)
        #expect(error?.child(condition.rawValue, namespace: XMPPNamespace.stanzaErrors) != nil)
        #expect(error?.child("text", namespace: XMPPNamespace.stanzaErrors)?.text == "why")
    }

    @Test func forbiddenIsAuthType() {
        #expect(
            Self.text(IQReply.error(to: IQRequest(id: "x", from: "a@b/c", to: nil), condition: .forbidden))
                == "<iq type=\"error\" id=\"x\" to=\"a@b/c\"><error type=\"auth\">"
                + "<forbidden xmlns=\"urn:ietf:params:xml:ns:xmpp-stanzas\"/></error></iq>"
        )
    }

    @Test func readyMadeColibriError() {
        var error = XMLElement("error", attributes: [("type", "cancel")])
        error.children.append(XMLElement("item-not-found", namespace: XMPPNamespace.stanzaErrors))
        error.children.append(XMLElement("error", namespace: XMPPNamespace.colibri2, attributes: [("reason", "conference_not_found")]))
        let reply = IQReply.error(to: Self.request, error: error)
        #expect(reply.attribute("type") == "error")
        #expect(reply.children == [error])
    }

    @Test func versionAnswer() {
        let reply = IQReply.version(to: Self.request, name: "meetpad-bridge", version: "1.0", os: "Linux")
        let query = reply.child("query", namespace: XMPPNamespace.version)
        #expect(query?.child("name")?.text == "meetpad-bridge")
        #expect(query?.child("version")?.text == "1.0")
        #expect(query?.child("os")?.text == "Linux")
    }
}

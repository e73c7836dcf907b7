import Colibri
import Testing
import XMLStream

@Suite struct Colibri2ErrorTests {
    /// Example (g): conference not found.
    @Test func conferenceNotFoundMatchesExampleG() throws {
        let error = Colibri2Error.conferenceNotFound(meetingID: "7c9e6679-7425-40de-944b-e07fc1f90ae7")
        #expect(error.httpStatus == 404)
        // Embedded in an IQ, as the XMPP shell sends it.
        let iq = XMLElement("iq", namespace: "jabber:client", attributes: [("type", "error"), ("id", "k9")], children: [error.element()])
        let parsed = try XMLDocument.parse(iq.xmlString())
        let element = try #require(parsed.child("error"))
        #expect(element.namespace == "jabber:client" && element.attribute("type") == "cancel")
        #expect(element.children.map(\.name) == ["item-not-found", "text", "error"])
        #expect(element.children[0].namespace == "urn:ietf:params:xml:ns:xmpp-stanzas")
        #expect(element.children[1].namespace == "urn:ietf:params:xml:ns:xmpp-stanzas")
        #expect(element.children[1].text == "Conference not found for ID: 7c9e6679-7425-40de-944b-e07fc1f90ae7")
        #expect(element.children[2].namespace == "jitsi:colibri2")
        #expect(element.children[2].attribute("reason") == "conference_not_found")
    }

    @Test func unknownEndpointNamesTheEndpoint() throws {
        let element = try XMLDocument.parse(Colibri2Error.unknownEndpoint("e5f6a7b8").element().xmlString())
        #expect(element.children.map(\.name) == ["item-not-found", "text", "error", "endpoint"])
        #expect(element.child("error", namespace: "jitsi:colibri2")?.attribute("reason") == "unknown_endpoint")
        let endpoint = try #require(element.child("endpoint", namespace: "jitsi:colibri2"))
        #expect(endpoint.attribute("id") == "e5f6a7b8")
    }

    @Test func badRequestCarriesNoReason() throws {
        let element = try XMLDocument.parse(Colibri2Error.badRequest("no").element().xmlString())
        #expect(element.attribute("type") == "modify")
        #expect(element.children.map(\.name) == ["bad-request", "text"])
    }

    @Test func conditionsReasonsAndStatuses() {
        #expect(Colibri2Error.conferenceAlreadyExists(meetingID: "m").condition == .conflict)
        #expect(Colibri2Error.conferenceAlreadyExists(meetingID: "m").reason == .conferenceAlreadyExists)
        #expect(Colibri2Error.gracefulShutdown.condition == .serviceUnavailable && Colibri2Error.gracefulShutdown.reason == .gracefulShutdown)
        #expect(Colibri2Error.featureNotImplemented("x").reason == .featureNotImplemented)
        #expect(Colibri2Error.endpointAlreadyExists("a").reason == nil)
        let statuses: [(StanzaErrorCondition, Int)] = [
            (.badRequest, 400), (.forbidden, 403), (.itemNotFound, 404), (.conflict, 409),
            (.featureNotImplemented, 501), (.serviceUnavailable, 503), (.internalServerError, 500), (.notAcceptable, 500),
        ]
        for (condition, status) in statuses {
            #expect(Colibri2Error(condition: condition, text: "").httpStatus == status)
        }
    }
}

import Primitives
import Testing
import XMLStream
@testable import XMPP

/// Hostile server XML: refused with a stream error and a `.failed` event, never a crash.
@Suite struct XMPPClientConnectionHostileInputTests {
    typealias T = ProsodyTranscript

    static func streamErrorText(_ condition: String) -> String {
        "<stream:error><\(condition) xmlns=\"urn:ietf:params:xml:ns:xmpp-streams\"/></stream:error></stream:stream>"
    }

    static func feed(_ connection: XMPPClientConnection, _ text: String) -> (XMPPEvent?, String) {
        _ = connection.pollOutput()
        connection.handleBytes(Array(text.utf8), now: .zero)
        let output = connection.pollOutput().map { String(decoding: $0, as: UTF8.self) } ?? ""
        return (connection.pollEvent(), output)
    }

    @Test func doctypeInTheStreamHeaderIsRestrictedXML() throws {
        let connection = try T.connection()
        let hostile = "<?xml version='1.0'?><!DOCTYPE stream [<!ENTITY a 'aaaaaaaaaa'><!ENTITY b '&a;&a;&a;&a;'>]>"
            + "<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>&b;"
        let (event, output) = Self.feed(connection, hostile)
        #expect(event == .failed(.xml(.dtdForbidden)))
        #expect(output == Self.streamErrorText("restricted-xml"))
        #expect(connection.isFinished)
        connection.handleBytes(Array("<more/>".utf8), now: .zero)
        #expect(connection.pollEvent() == nil)
    }

    @Test func oversizeStanzaAfterReadyIsPolicyViolation() throws {
        let connection = try T.readyConnection()
        let part = "<x>" + String(repeating: "a", count: 200_000) + "</x>"
        let huge = "<message>" + String(repeating: part, count: 6) + "</message>"
        let (event, output) = Self.feed(connection, huge)
        #expect(event == .failed(.xml(.stanzaTooLarge)))
        #expect(output == Self.streamErrorText("policy-violation"))
    }

    @Test func oversizeFeaturesDuringLoginArePolicyViolation() throws {
        let connection = try T.connection()
        let features = T.header("s1") + "<stream:features>" + String(repeating: "<m>abcdefgh</m>", count: 80_000)
        let (event, output) = Self.feed(connection, features)
        #expect(event == .failed(.xml(.stanzaTooLarge)))
        #expect(output == Self.streamErrorText("policy-violation"))
    }

    @Test func unterminatedStartTagIsRefusedAtTheLimit() throws {
        let connection = try T.readyConnection()
        let (event, _) = Self.feed(connection, "<message to='" + String(repeating: "a", count: (1 << 20) + 10))
        #expect(event == .failed(.xml(.stanzaTooLarge)))
    }

    @Test func malformedXMLIsNotWellFormed() throws {
        let connection = try T.readyConnection()
        let (event, output) = Self.feed(connection, "<message></iq>")
        guard case .failed(.xml(.malformed)) = event else { Issue.record("got \(String(describing: event))"); return }
        #expect(output == Self.streamErrorText("not-well-formed"))
    }

    @Test func wrongRootIsInvalidNamespace() throws {
        let connection = try T.connection()
        let (event, output) = Self.feed(connection, "<html xmlns='http://www.w3.org/1999/xhtml'>")
        guard case .failed(.protocolViolation) = event else { Issue.record("got \(String(describing: event))"); return }
        #expect(output == Self.streamErrorText("invalid-namespace"))
    }

    @Test func garbageDuringLoginDoesNotCrash() throws {
        // Every prefix of a mangled transcript: either still waiting or failed, never a trap.
        var bytes = Array(T.plaintext.utf8)
        for index in stride(from: 0, to: bytes.count, by: 7) { bytes[index] = 0xFF }
        let connection = try T.connection()
        connection.handleBytes(bytes, now: .zero)
        guard case .failed = connection.pollEvent() else { Issue.record("mangled input accepted"); return }
    }
}

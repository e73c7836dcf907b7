import Primitives
import Testing
import XMLStream
@testable import XMPP

/// XEP-0199 keepalive: a ping every 30 s once ready, failure 30 s after an unanswered one.
@Suite struct XMPPClientConnectionPingTests {
    typealias T = ProsodyTranscript

    static func at(_ seconds: Int64) -> Instant { Instant.zero.adding(milliseconds: seconds * 1000) }

    static func text(_ connection: XMPPClientConnection) -> String {
        connection.pollOutput().map { String(decoding: $0, as: UTF8.self) } ?? ""
    }

    static let ping1 = "<iq type=\"get\" id=\"ping-1\" to=\"auth.meet.jitsi\"><ping xmlns=\"urn:xmpp:ping\"/></iq>"

    @Test func pingsEveryThirtySecondsWhileAnswered() throws {
        let connection = try T.readyConnection()
        #expect(connection.nextDeadline() == Self.at(30))
        connection.handleTimeout(now: Self.at(29))
        #expect(Self.text(connection) == "")
        connection.handleTimeout(now: Self.at(30))
        #expect(Self.text(connection) == Self.ping1)
        #expect(connection.nextDeadline() == Self.at(60))  // pong deadline
        connection.handleBytes(Array("<iq type='result' id='ping-1' from='auth.meet.jitsi'/>".utf8), now: Self.at(31))
        #expect(connection.pollEvent() == nil)  // consumed, not reported
        #expect(connection.nextDeadline() == Self.at(60))  // next ping
        connection.handleTimeout(now: Self.at(60))
        #expect(Self.text(connection).contains("id=\"ping-2\""))
    }

    @Test func unansweredPingFailsAfterThirtySeconds() throws {
        let connection = try T.readyConnection()
        connection.handleTimeout(now: Self.at(30))
        _ = Self.text(connection)
        // Other traffic does not count as the answer.
        connection.handleBytes(Array("<presence from='room@muc/focus'/>".utf8), now: Self.at(40))
        guard case .stanza = connection.pollEvent() else { Issue.record("presence lost"); return }
        connection.handleTimeout(now: Self.at(59))
        #expect(connection.pollEvent() == nil)
        connection.handleTimeout(now: Self.at(60))
        #expect(connection.pollEvent() == .failed(.pingTimeout))
        #expect(Self.text(connection) == "</stream:stream>")
        #expect(connection.nextDeadline() == nil)
    }

    @Test func errorReplyStillProvesLiveness() throws {
        let connection = try T.readyConnection()
        connection.handleTimeout(now: Self.at(30))
        connection.handleBytes(
            Array("<iq type='error' id='ping-1'><error type='cancel'><service-unavailable/></error></iq>".utf8),
            now: Self.at(31))
        connection.handleTimeout(now: Self.at(59))
        #expect(connection.pollEvent() == nil)
    }

    @Test func serverPingIsAnswered() throws {
        let connection = try T.readyConnection()
        connection.handleBytes(
            Array("<iq type='get' id='s1' from='auth.meet.jitsi'><ping xmlns='urn:xmpp:ping'/></iq>".utf8), now: .zero)
        #expect(connection.pollEvent() == nil)
        #expect(Self.text(connection) == "<iq type=\"result\" id=\"s1\" to=\"auth.meet.jitsi\"/>")
    }

    @Test func pingFromAnotherEntityGoesToTheApplication() throws {
        let connection = try T.readyConnection()
        connection.handleBytes(
            Array("<iq type='get' id='s1' from='evil@elsewhere'><ping xmlns='urn:xmpp:ping'/></iq>".utf8), now: .zero)
        guard case .stanza = connection.pollEvent() else { Issue.record("not forwarded"); return }
    }
}

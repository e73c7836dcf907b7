import Primitives
import Testing
import XMLStream
@testable import XMPP

@Suite struct XMPPClientConnectionTests {
    typealias T = ProsodyTranscript
    static let plaintext = Array(T.plaintext.utf8)
    static let encrypted = Array(T.encrypted().utf8)
    static let ready = XMPPEvent.ready(JID(T.fullJID)!)

    @Test func scriptedProsodyLoginReachesReady() throws {
        let connection = try T.connection()
        let run = T.drive(connection, segments: [[Self.plaintext], [Self.encrypted]])
        #expect(run.events == [.startTLS, Self.ready])
        #expect(run.text == T.expectedClientOutput)
        #expect(connection.nextDeadline() == Instant.zero.adding(milliseconds: 30_000))
    }

    @Test func everySplitPointGivesTheSameResult() throws {
        let total = Self.plaintext.count + Self.encrypted.count
        for cut in 0...total {
            let connection = try T.connection()
            let segments: [[[UInt8]]]
            if cut <= Self.plaintext.count {
                segments = [[Array(Self.plaintext[..<cut]), Array(Self.plaintext[cut...])], [Self.encrypted]]
            } else {
                let inner = cut - Self.plaintext.count
                segments = [[Self.plaintext], [Array(Self.encrypted[..<inner]), Array(Self.encrypted[inner...])]]
            }
            let run = T.drive(connection, segments: segments)
            #expect(run.events == [.startTLS, Self.ready], "cut at \(cut)")
            #expect(run.text == T.expectedClientOutput, "cut at \(cut)")
        }
    }

    @Test func oneByteAtATime() throws {
        let connection = try T.connection()
        let run = T.drive(connection, segments: [Self.plaintext.map { [$0] }, Self.encrypted.map { [$0] }])
        #expect(run.events == [.startTLS, Self.ready])
        #expect(run.text == T.expectedClientOutput)
    }

    @Test func wrongServerSignatureFails() throws {
        let connection = try T.connection()
        let forged = Array(T.encrypted(serverFinal: "v=rmF9pqV8S7suAoZWja4dJRkFsKA=").utf8)
        let run = T.drive(connection, segments: [[Self.plaintext], [forged]])
        #expect(run.events == [.startTLS, .failed(.sasl(.serverSignatureMismatch))])
        #expect(run.text.hasSuffix("<abort xmlns=\"urn:ietf:params:xml:ns:xmpp-sasl\"/></stream:stream>"))
        #expect(!run.text.contains("bind"))
        #expect(connection.isFinished)
        #expect(connection.nextDeadline() == nil)
    }

    @Test func successWithoutServerSignatureFails() throws {
        let connection = try T.connection()
        let stripped = T.encrypted(serverFinal: "")
        let run = T.drive(connection, segments: [[Self.plaintext], [Array(stripped.utf8)]])
        #expect(run.events.last == .failed(.sasl(.missingServerSignature)))
    }

    @Test func plainInsideTLSWhenSCRAMIsNotOffered() throws {
        let connection = try T.connection()
        let features =
            T.header("s2")
            + "<stream:features><mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><mechanism>PLAIN</mechanism>"
            + "</mechanisms></stream:features><success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>"
        let run = T.drive(connection, segments: [[Self.plaintext], [Array(features.utf8)]])
        #expect(run.events == [.startTLS])
        let auth = "<auth xmlns=\"urn:ietf:params:xml:ns:xmpp-sasl\" mechanism=\"PLAIN\">"
            + Base64.encode(Array("\0user\0pencil".utf8)) + "</auth>" + T.clientHeader
        #expect(run.text.hasSuffix(auth))
    }

    @Test func plainIsRefusedWithoutTLS() throws {
        let connection = try T.connection(tls: .ifPossible)
        let server =
            T.header("s1")
            + "<stream:features><mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><mechanism>PLAIN</mechanism>"
            + "</mechanisms></stream:features>"
        let run = T.drive(connection, segments: [[Array(server.utf8)]])
        #expect(run.events == [.failed(.noUsableMechanism(offered: ["PLAIN"]))])
        #expect(!run.text.contains("<auth"))
    }

    /// jicoco's `ifpossible` (its default for localhost): no STARTTLS offered, SCRAM in the clear.
    @Test func ifPossibleWithoutOfferUsesSCRAMInTheClear() throws {
        let connection = try T.connection(tls: .ifPossible)
        let server = T.header("s1") + "<stream:features><mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>"
            + "<mechanism>PLAIN</mechanism><mechanism>SCRAM-SHA-1</mechanism></mechanisms></stream:features>"
        let run = T.drive(connection, segments: [[Array(server.utf8)]])
        #expect(run.events.isEmpty)
        #expect(run.text.hasSuffix("mechanism=\"SCRAM-SHA-1\">" + Base64.encode(Array("n,,n=user,r=\(T.clientNonce)".utf8)) + "</auth>"))
    }

    @Test func requiredTLSNotOfferedFails() throws {
        let connection = try T.connection()
        let server = T.header("s1") + "<stream:features><mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>"
            + "<mechanism>SCRAM-SHA-1</mechanism></mechanisms></stream:features>"
        let run = T.drive(connection, segments: [[Array(server.utf8)]])
        #expect(run.events == [.failed(.tlsUnavailable)])
    }

    @Test func serverRequiringTLSWhenDisabledFails() throws {
        let connection = try T.connection(tls: .disabled)
        let run = T.drive(connection, segments: [[Self.plaintext]])
        #expect(run.events == [.failed(.tlsRequiredByServer)])
    }

    /// STARTTLS injection: plaintext after <proceed/> must never be parsed as part of the TLS stream.
    @Test func plaintextAfterProceedFails() throws {
        let connection = try T.connection()
        let injected = Self.plaintext + Array("<iq type='set' id='evil'/>".utf8)
        let run = T.drive(connection, segments: [[injected]])
        #expect(run.events == [.startTLS, .failed(.dataAfterProceed)])
    }

    @Test func saslFailureIsReported() throws {
        let connection = try T.connection()
        let encrypted = T.header("s2")
            + "<stream:features><mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><mechanism>SCRAM-SHA-1</mechanism>"
            + "</mechanisms></stream:features><failure xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><not-authorized/>"
            + "<text>Unable to authorize you</text></failure>"
        let run = T.drive(connection, segments: [[Self.plaintext], [Array(encrypted.utf8)]])
        #expect(run.events.last == .failed(.authenticationFailed(condition: "not-authorized")))
    }

    @Test func serverStreamErrorIsReported() throws {
        let connection = try T.readyConnection()
        let error = "<stream:error><conflict xmlns='urn:ietf:params:xml:ns:xmpp-streams'/>"
            + "<text xmlns='urn:ietf:params:xml:ns:xmpp-streams'>Replaced by new connection</text></stream:error>"
        connection.handleBytes(Array(error.utf8), now: .zero)
        #expect(connection.pollEvent() == .failed(.streamError(condition: "conflict", text: "Replaced by new connection")))
    }

    @Test func stanzasFlowOnceReady() throws {
        let connection = try T.connection()
        #expect(!connection.send(XMLElement("presence")))
        _ = T.drive(connection, segments: [[Self.plaintext], [Array(T.encrypted().utf8)]])
        #expect(connection.send(XMLElement("presence", attributes: [("to", "room@muc/nick")])))
        #expect(connection.pollOutput().map { String(decoding: $0, as: UTF8.self) } == "<presence to=\"room@muc/nick\"/>")
        connection.handleBytes(Array("<message from='a@b'><body>hi</body></message>".utf8), now: .zero)
        guard case .stanza(let message) = connection.pollEvent() else { Issue.record("no stanza"); return }
        #expect(message.name == "message")
        #expect(message.namespace == XMPPNamespace.client)
        #expect(message.child("body")?.text == "hi")
    }

    @Test func serverClosingTheStreamAfterReadyIsClosed() throws {
        let connection = try T.readyConnection()
        connection.handleBytes(Array("</stream:stream>".utf8), now: .zero)
        #expect(connection.pollEvent() == .closed)
        #expect(connection.pollOutput().map { String(decoding: $0, as: UTF8.self) } == "</stream:stream>")
    }

    @Test func politeCloseWaitsForTheServer() throws {
        let connection = try T.readyConnection()
        connection.close(now: .zero)
        #expect(connection.pollOutput().map { String(decoding: $0, as: UTF8.self) } == "</stream:stream>")
        #expect(connection.nextDeadline() == Instant.zero.adding(milliseconds: 5_000))
        connection.handleBytes(Array("<message/></stream:stream>".utf8), now: .zero)
        #expect(connection.pollEvent() == .closed)
        #expect(connection.pollEvent() == nil)
    }

    @Test func closeTimesOutWithoutTheServer() throws {
        let connection = try T.readyConnection()
        connection.close(now: .zero)
        connection.handleTimeout(now: Instant.zero.adding(milliseconds: 5_000))
        #expect(connection.pollEvent() == .closed)
    }

    @Test func loginTimesOut() throws {
        let connection = try T.connection()
        _ = connection.pollOutput()
        #expect(connection.nextDeadline() == Instant.zero.adding(milliseconds: 30_000))
        connection.handleTimeout(now: Instant.zero.adding(milliseconds: 29_999))
        #expect(connection.pollEvent() == nil)
        connection.handleTimeout(now: Instant.zero.adding(milliseconds: 30_000))
        #expect(connection.pollEvent() == .failed(.loginTimeout))
    }

    @Test func serverClosingDuringLoginFails() throws {
        let connection = try T.connection()
        connection.handleBytes(Array((T.header("s1") + "</stream:stream>").utf8), now: .zero)
        guard case .failed(.protocolViolation) = connection.pollEvent() else { Issue.record("not failed"); return }
    }

    @Test func passwordNeverAppearsInDescriptions() throws {
        let connection = try T.connection()
        // Mid-SCRAM, so the SASL state (which holds the password) is inside the connection.
        connection.handleBytes(Self.plaintext, now: .zero)
        _ = connection.pollEvent()
        connection.tlsEstablished()
        connection.handleBytes(Array(Self.encrypted[..<300]), now: .zero)
        let credentials = XMPPCredentials(username: "user", password: "pencil")
        var texts: [String] = []
        for value in [connection, credentials, T.configuration()] as [Any] {
            var dumped = ""
            dump(value, to: &dumped)
            texts += [dumped, String(describing: value), String(reflecting: value), "\(value)"]
        }
        for text in texts { #expect(!text.contains("pencil"), "\(text)") }
        #expect(String(describing: credentials).contains("user"))
    }
}

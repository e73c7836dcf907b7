import Primitives
import XMLStream
@testable import XMPP

/// A login as prosody 0.12 answers it (c2s_require_encryption, internal_hashed), with the
/// RFC 5802 §5 SCRAM-SHA-1 exchange ("user"/"pencil") so the expected proof and server
/// signature are the RFC's.
enum ProsodyTranscript {
    static let domain = "auth.meet.jitsi"
    static let clientNonce = "fyko+d2lbbFgONRv9qkxdawL"
    static let serverFirst = "r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096"
    static let clientFinal = "c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,p=v0X8v3Bz2T0CJGbJQyF0X+HI4Ts="
    static let serverFinal = "v=rmF9pqV8S7suAoZWja4dJRkFsKQ="
    static let fullJID = "user@auth.meet.jitsi/meetpad"

    static func header(_ id: String) -> String {
        "<?xml version='1.0'?><stream:stream xmlns='jabber:client' xml:lang='en' id='\(id)' "
            + "from='auth.meet.jitsi' version='1.0' xmlns:stream='http://etherx.jabber.org/streams'>"
    }

    /// What prosody sends before TLS.
    static let plaintext =
        header("s1")
        + "<stream:features><starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'><required/></starttls></stream:features>"
        + "<proceed xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>"

    /// What prosody sends inside TLS, with `serverFinal` as the success data.
    static func encrypted(serverFinal: String = serverFinal) -> String {
        header("s2")
            + "<stream:features><mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><mechanism>SCRAM-SHA-1</mechanism>"
            + "<mechanism>PLAIN</mechanism></mechanisms></stream:features>"
            + "<challenge xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>\(Base64.encode(Array(serverFirst.utf8)))</challenge>"
            + "<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>\(Base64.encode(Array(serverFinal.utf8)))</success>"
            + header("s3")
            + "<stream:features><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><required/></bind>"
            + "<session xmlns='urn:ietf:params:xml:ns:xmpp-session'><optional/></session>"
            + "<sm xmlns='urn:xmpp:sm:3'/><ver xmlns='urn:xmpp:features:rosterver'/></stream:features>"
            + "<iq id='bind-1' type='result'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'>"
            + "<jid>\(fullJID)</jid></bind></iq>"
    }

    static let clientHeader =
        "<?xml version='1.0'?><stream:stream to='auth.meet.jitsi' version='1.0' xml:lang='en' "
        + "xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>"

    /// Everything the client must write, in order.
    static let expectedClientOutput =
        clientHeader
        + "<starttls xmlns=\"urn:ietf:params:xml:ns:xmpp-tls\"/>"
        + clientHeader
        + "<auth xmlns=\"urn:ietf:params:xml:ns:xmpp-sasl\" mechanism=\"SCRAM-SHA-1\">"
        + Base64.encode(Array("n,,n=user,r=fyko+d2lbbFgONRv9qkxdawL".utf8)) + "</auth>"
        + "<response xmlns=\"urn:ietf:params:xml:ns:xmpp-sasl\">" + Base64.encode(Array(clientFinal.utf8)) + "</response>"
        + clientHeader
        + "<iq type=\"set\" id=\"bind-1\"><bind xmlns=\"urn:ietf:params:xml:ns:xmpp-bind\"><resource>meetpad</resource></bind></iq>"

    static func configuration(tls: XMPPClientConfiguration.TLSPolicy = .required) -> XMPPClientConfiguration {
        XMPPClientConfiguration(
            domain: domain, credentials: XMPPCredentials(username: "user", password: "pencil"), resource: "meetpad",
            tls: tls
        )
    }

    static func connection(tls: XMPPClientConfiguration.TLSPolicy = .required) throws -> XMPPClientConnection {
        let connection = try XMPPClientConnection(configuration: configuration(tls: tls), clientNonce: clientNonce)
        connection.start(now: .zero)
        return connection
    }

    /// What the shell saw: every byte written and every event, in order.
    struct Run {
        var output: [UInt8] = []
        var events: [XMPPEvent] = []
        var text: String { String(decoding: output, as: UTF8.self) }
    }

    /// Plays the shell: feeds each segment in `chunks` pieces, drains output and events after
    /// every call, and completes TLS when asked. Segments are the plaintext and TLS byte streams,
    /// which a real shell never mixes in one read.
    static func drive(_ connection: XMPPClientConnection, segments: [[[UInt8]]], now: Instant = .zero) -> Run {
        var run = Run()
        drain(connection, into: &run)
        for segment in segments {
            for chunk in segment {
                connection.handleBytes(chunk, now: now)
                drain(connection, into: &run)
            }
        }
        return run
    }

    static func drain(_ connection: XMPPClientConnection, into run: inout Run) {
        while true {
            if let bytes = connection.pollOutput() { run.output += bytes }
            guard let event = connection.pollEvent() else { return }
            run.events.append(event)
            if event == .startTLS {
                if let bytes = connection.pollOutput() { run.output += bytes }
                connection.tlsEstablished()
            }
        }
    }

    /// A connection driven to `.ready`, with its output and events drained.
    static func readyConnection() throws -> XMPPClientConnection {
        let connection = try connection()
        let run = drive(connection, segments: [[Array(plaintext.utf8)], [Array(encrypted().utf8)]])
        guard run.events.last == .ready(JID(fullJID)!) else { throw TranscriptError.notReady(run.events) }
        return connection
    }

    enum TranscriptError: Error { case notReady([XMPPEvent]) }
}

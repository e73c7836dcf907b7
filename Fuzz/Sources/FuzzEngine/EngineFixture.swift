import Bridge
import DTLS
import ICE
import Primitives
import XMLStream

/// A fresh engine with one conference and its endpoints brought as far as the mode asks:
/// ICE verified for peer A always; with `secure`, peers A and B both finish DTLS and hold
/// SRTP keys, so encrypted fuzz bytes reach RTP forwarding and RTCP termination.
///
/// Everything is rebuilt per input so a crash reproduces from its input alone. The engine's
/// own randomness (certificate, ufrags, report jitter) remains; the fixture reads what it needs
/// from the Colibri2 replies instead of assuming it. Only immutable inputs are shared between
/// runs: the peers' certificate and the parsed Colibri2 requests, which are the same every time.
final class EngineFixture {
    static let bridgeAddress = PeerAddress(ipv4: 0x7F00_0001, port: 10000)
    static let meetingID = "7c9e6679-7425-40de-944b-e07fc1f90ae7"

    let engine: BridgeEngine
    let transmit = TransmitQueue(capacity: 256)
    var now = Instant(nanoseconds: 1_000_000_000)
    var peers: [FuzzPeer] = []

    init(secure: Bool) {
        engine = try! BridgeEngine(configuration: BridgeConfiguration(hostAddresses: [Self.bridgeAddress]))
        let ids = secure ? ["a", "b"] : ["a"]
        for (index, id) in ids.enumerated() {
            let peer = FuzzPeer(
                endpointID: id, address: PeerAddress(ipv4: 0x7F00_0001, port: 5000 + UInt16(index)),
                credentials: Self.credentials(of: id), tieBreaker: 0x5EED + UInt64(index))
            join(peer, requests: Self.requests[index], secure: secure)
            peers.append(peer)
        }
        // Long enough for ICE nomination and a DTLS handshake at simulated speed; bounded so a
        // regression in either cannot hang the fuzzer.
        for _ in 0..<40 {
            exchange()
            if peers.allSatisfy({ secure ? $0.outbound != nil : $0.ice.state == .connected }) { break }
            now = now.adding(milliseconds: 20)
            engine.handleTimeout(now: now, transmit: transmit)
            for peer in peers { peer.tick(now: now) }
        }
        exchange()
    }

    /// Allocates the endpoint as jicofo does (colibri2.md §2.6 (a)), answers with the peer's
    /// transport and sources ((b)), and starts the peer's ICE (and DTLS) toward the bridge.
    private func join(_ peer: FuzzPeer, requests: Requests, secure: Bool) {
        let reply = colibri(requests.allocate)
        guard let transport = reply?.child("endpoint")?.child("transport")?.child("transport"),
            let ufrag = transport.attribute("ufrag"), let password = transport.attribute("pwd")
        else { preconditionFailure("allocation failed: \(reply?.xmlString() ?? "no reply")") }
        let fingerprint = transport.child("fingerprint")?.text
        _ = colibri(requests.answer)
        peer.connect(
            to: Self.bridgeAddress, credentials: ICECredentials(ufrag: ufrag, password: password),
            fingerprint: secure ? fingerprint : nil, now: now)
    }

    private func colibri(_ request: XMLElement) -> XMLElement? {
        let outcome = engine.handleConferenceModify(request, now: now, transmit: transmit)
        drainEvents()
        if case .success(let reply) = outcome { return reply }
        return nil
    }

    /// Moves datagrams between the engine and the peers until both sides are quiet.
    func exchange() {
        for _ in 0..<16 {
            var moved = false
            for peer in peers where peer.transmit.count > 0 {
                moved = true
                for index in 0..<peer.transmit.count {
                    deliver(peer.transmit.datagram(index), from: peer.address)
                }
                peer.transmit.removeAll()
            }
            if transmit.count > 0 {
                moved = true
                for index in 0..<transmit.count {
                    let destination = transmit.destination(index)
                    for peer in peers where peer.address == destination {
                        peer.receive(transmit.datagram(index), now: now)
                    }
                }
                transmit.removeAll()
            }
            if !moved { return }
        }
        // Ping-pong that never settles is not a crash; just start the next input clean.
        transmit.removeAll()
        for peer in peers { peer.transmit.removeAll() }
    }

    /// Hands the engine one datagram, copied because the engine decrypts in place.
    func deliver(_ datagram: UnsafeRawBufferPointer, from source: PeerAddress) {
        let copy = UnsafeMutableRawBufferPointer.allocate(byteCount: Swift.max(datagram.count, 1), alignment: 16)
        defer { copy.deallocate() }
        let exact = UnsafeMutableRawBufferPointer(rebasing: copy[0..<datagram.count])
        exact.copyMemory(from: datagram)
        engine.handleDatagram(exact, from: source, now: now, transmit: transmit)
        drainEvents()
    }

    func drainEvents() {
        while engine.pollEvent() != nil {}
    }

    /// Endpoint `a`'s and `b`'s allocation and answer. Parsing them is a tenth of a secure input's
    /// setup under ASan, and they never change: ids, credentials and the peers' certificate are fixed.
    struct Requests {
        let allocate: XMLElement
        let answer: XMLElement
    }

    static let requests: [Requests] = ["a", "b"].enumerated().map { index, id in
        Requests(
            allocate: try! XMLDocument.parse(allocate(id, create: index == 0)),
            answer: try! XMLDocument.parse(answer(id, credentials: credentials(of: id), fingerprint: FuzzPeer.certificate.fingerprint.value)))
    }

    static func credentials(of id: String) -> ICECredentials {
        ICECredentials(ufrag: "peer\(id)", password: "fuzz-password-of-peer-\(id)")
    }

    static func allocate(_ id: String, create: Bool) -> String {
        let conference = create ? #" name="fuzz@conference.example.com" create="true""# : ""
        return """
            <conference-modify xmlns="jitsi:colibri2" meeting-id="\(meetingID)"\(conference)>
              <endpoint id="\(id)" create="true" stats-id="\(id)-stats">
                <media type="audio">
                  <payload-type xmlns="urn:xmpp:jingle:apps:rtp:1" id="111" name="opus" clockrate="48000" channels="2">
                    <rtcp-fb xmlns="urn:xmpp:jingle:apps:rtp:rtcp-fb:0" type="transport-cc"/>
                  </payload-type>
                  <rtp-hdrext xmlns="urn:xmpp:jingle:apps:rtp:rtp-hdrext:0" id="1" uri="urn:ietf:params:rtp-hdrext:ssrc-audio-level"/>
                  <rtp-hdrext xmlns="urn:xmpp:jingle:apps:rtp:rtp-hdrext:0" id="10" uri="urn:ietf:params:rtp-hdrext:sdes:mid"/>
                  <rtp-hdrext xmlns="urn:xmpp:jingle:apps:rtp:rtp-hdrext:0" id="5" uri="http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01"/>
                </media>
                <media type="video">
                  <payload-type xmlns="urn:xmpp:jingle:apps:rtp:1" id="100" name="VP8" clockrate="90000">
                    <rtcp-fb xmlns="urn:xmpp:jingle:apps:rtp:rtcp-fb:0" type="nack"/>
                    <rtcp-fb xmlns="urn:xmpp:jingle:apps:rtp:rtcp-fb:0" type="nack" subtype="pli"/>
                    <rtcp-fb xmlns="urn:xmpp:jingle:apps:rtp:rtcp-fb:0" type="transport-cc"/>
                  </payload-type>
                  <payload-type xmlns="urn:xmpp:jingle:apps:rtp:1" id="96" name="rtx" clockrate="90000"><parameter name="apt" value="100"/></payload-type>
                  <rtp-hdrext xmlns="urn:xmpp:jingle:apps:rtp:rtp-hdrext:0" id="10" uri="urn:ietf:params:rtp-hdrext:sdes:mid"/>
                  <rtp-hdrext xmlns="urn:xmpp:jingle:apps:rtp:rtp-hdrext:0" id="5" uri="http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01"/>
                </media>
                <transport ice-controlling="true"><sctp/></transport>
                <sources/>
                <capability name="source-names"/>
              </endpoint>
            </conference-modify>
            """
    }

    /// The session-accept: peer `a` sends audio SSRC 1111 and video 2001 (RTX 2101); `b` the
    /// same plus one, so corpus packets can name a source the bridge knows.
    static func answer(_ id: String, credentials: ICECredentials, fingerprint: String) -> String {
        let offset: UInt32 = id == "a" ? 0 : 1
        return """
            <conference-modify xmlns="jitsi:colibri2" meeting-id="\(meetingID)">
              <endpoint id="\(id)" stats-id="\(id)-stats">
                <transport><transport xmlns="urn:xmpp:jingle:transports:ice-udp:1" ufrag="\(credentials.ufrag)" pwd="\(credentials.password)">
                  <fingerprint xmlns="urn:xmpp:jingle:apps:dtls:0" hash="sha-256" setup="active">\(fingerprint)</fingerprint>
                </transport></transport>
                <sources>
                  <media-source type="audio" id="\(id)-a0"><source xmlns="urn:xmpp:jingle:apps:rtp:ssma:0" ssrc="\(1111 + offset)" name="\(id)-a0"/></media-source>
                  <media-source type="video" id="\(id)-v0">
                    <source xmlns="urn:xmpp:jingle:apps:rtp:ssma:0" ssrc="\(2001 + offset)" name="\(id)-v0"/>
                    <source xmlns="urn:xmpp:jingle:apps:rtp:ssma:0" ssrc="\(2101 + offset)" name="\(id)-v0"/>
                    <ssrc-group xmlns="urn:xmpp:jingle:apps:rtp:ssma:0" semantics="FID"><source ssrc="\(2001 + offset)"/><source ssrc="\(2101 + offset)"/></ssrc-group>
                  </media-source>
                </sources>
              </endpoint>
            </conference-modify>
            """
    }
}

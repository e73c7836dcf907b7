import Bridge
import DTLS
import ICE
import Primitives
import XMLStream

/// An engine and connected simulated peers on a simulated clock and an in-memory network: a
/// trimmed copy of Tests/BridgeTests/BridgeSimulation.swift. Only the setup uses it; the measured
/// loop talks to the engine directly.
final class ForwardSimulation {
    static let bridgeAddress = PeerAddress(ipv4: 0x7F00_0001, port: 10000)
    let engine: BridgeEngine
    let transmit = TransmitQueue(capacity: 4096)
    var now = Instant(nanoseconds: 1_000_000_000)
    var peers: [SimulatedPeer] = []
    let meetingID = "7c9e6679-7425-40de-944b-e07fc1f90ae7"
    private var conferenceCreated = false

    /// `mediaLanes` spreads the receivers over that many media threads (the setup still serves
    /// every share on its own thread; `ForwardFixture` hands them to the lanes).
    init(mediaLanes: Int = 1) throws {
        engine = try BridgeEngine(configuration: BridgeConfiguration(hostAddresses: [Self.bridgeAddress], mediaLanes: mediaLanes))
    }

    /// One sender (with `videoEncodings` simulcast encodings) and `receivers` receivers, all
    /// connected (ICE, DTLS, SRTP keys) and each having asked, as jitsi-meet does when its bridge
    /// channel opens, for every video up to its entry in `maxHeights` (720 when it has none):
    /// without that the bridge forwards no video (JVB's `initial-max-height-px` 0). Receivers at
    /// odd positions advertise `ssrc-rewriting` when `rewritingReceivers` is set.
    static func connected(
        receivers: Int, videoEncodings: Int = 1, rewritingReceivers: Bool = false, maxHeights: [Int] = [], mediaLanes: Int = 1
    ) throws -> ForwardSimulation {
        let simulation = try ForwardSimulation(mediaLanes: mediaLanes)
        for index in 0...receivers {
            // Distinct loopback addresses, one per peer: 127.0.x.y.
            let host = 0x7F00_0000 | UInt32(index &+ 2)
            let peer = try SimulatedPeer(
                name: "p\(index)", address: PeerAddress(ipv4: host, port: 40000), ssrcBase: UInt32(index &+ 1) &* 1000,
                videoEncodings: index == 0 ? videoEncodings : 1, rewritesSSRCs: rewritingReceivers && index % 2 == 1)
            try simulation.join(peer)
        }
        simulation.run(milliseconds: 5000)
        for peer in simulation.peers where !peer.isMediaReady {
            throw SetupError.notConnected(peer.name)
        }
        for index in simulation.peers.indices {
            // Peer 0 is the sender; receiver i is peer i + 1.
            let maxHeight = index > 0 && index <= maxHeights.count ? maxHeights[index - 1] : 720
            simulation.sendBridgeChannel(Self.receiveEverything(upTo: maxHeight), fromPeerAt: index)
        }
        simulation.run(milliseconds: 10)
        return simulation
    }

    static func receiveEverything(upTo maxHeight: Int) -> String {
        #"{"colibriClass":"ReceiverVideoConstraints","lastN":-1,"defaultConstraints":{"maxHeight":\#(maxHeight)}}"#
    }

    /// Delivers one bridge-channel message as if the peer at `index` sent it on its data channel:
    /// the engine numbers SCTP associations 1, 2, … in endpoint-create order, which is join order.
    func sendBridgeChannel(_ json: String, fromPeerAt index: Int) {
        engine.handleBridgeChannelMessage(Array(json.utf8), association: SCTPAssociationTag(rawValue: UInt32(index + 1)), now: now)
        drainEvents()
    }

    enum SetupError: Error { case notConnected(String), colibri(String) }

    @discardableResult
    func colibri(_ xml: String) throws -> XMLElement {
        let element = try XMLDocument.parse(Array(xml.utf8))
        let outcome = engine.handleConferenceModify(element, now: now, transmit: transmit)
        drainEvents()
        switch outcome {
        case .success(let reply): return reply
        case .failure(let error, _): throw SetupError.colibri(error.xmlString())
        }
    }

    /// Allocates an endpoint for `peer` as jicofo does, answers with the peer's transport and
    /// sources, trickles its host candidate and starts its ICE.
    func join(_ peer: SimulatedPeer) throws {
        let create = conferenceCreated ? "" : #" name="room@conference.example.com" create="true""#
        conferenceCreated = true
        let reply = try colibri("""
            <conference-modify xmlns="jitsi:colibri2" meeting-id="\(meetingID)"\(create)>
              <endpoint id="\(peer.name)" create="true" stats-id="\(peer.name)-stats">
                \(Self.mediaXML)
                <transport ice-controlling="true"><sctp/></transport>
                <sources/>
                <capability name="source-names"/>\(peer.rewritesSSRCs ? #"<capability name="ssrc-rewriting"/>"# : "")
              </endpoint>
            </conference-modify>
            """)
        guard let ice = reply.child("endpoint")?.child("transport")?.child("transport"),
            let ufrag = ice.attribute("ufrag"), let password = ice.attribute("pwd"),
            let fingerprint = ice.child("fingerprint")?.text,
            let candidate = ice.child("candidate"), let ip = candidate.attribute("ip"),
            let port = candidate.attribute("port").flatMap({ UInt16($0) }),
            let candidateAddress = PeerAddress(host: ip, port: port)
        else { throw SetupError.colibri(reply.xmlString()) }
        try peer.connect(
            bridgeCredentials: ICECredentials(ufrag: ufrag, password: password), bridgeCandidate: candidateAddress,
            bridgeFingerprint: fingerprint, now: now)
        peers.append(peer)
        let transport = #"<transport xmlns="urn:xmpp:jingle:transports:ice-udp:1" ufrag="\#(peer.ice.localCredentials.ufrag)" pwd="\#(peer.ice.localCredentials.password)">"#
        try colibri("""
            <conference-modify xmlns="jitsi:colibri2" meeting-id="\(meetingID)">
              <endpoint id="\(peer.name)" stats-id="\(peer.name)-stats">
                <transport>\(transport)
                  <fingerprint xmlns="urn:xmpp:jingle:apps:dtls:0" hash="sha-256" setup="active">\(peer.certificate.fingerprint.value)</fingerprint>
                </transport></transport>
                \(Self.sourcesXML(peer))
              </endpoint>
            </conference-modify>
            """)
        try colibri("""
            <conference-modify xmlns="jitsi:colibri2" meeting-id="\(meetingID)">
              <endpoint id="\(peer.name)"><transport>\(transport)
                <candidate component="1" foundation="1" generation="0" id="c1" network="1" priority="2122260223" protocol="udp" type="host" ip="\(peer.address.host)" port="\(peer.address.port)"/>
              </transport></transport></endpoint>
            </conference-modify>
            """)
    }

    /// A peer's audio source and its video source: every encoding with its RTX partner in a FID
    /// group, and the encodings in a SIM group when there are several.
    static func sourcesXML(_ peer: SimulatedPeer) -> String {
        let ssma = "urn:xmpp:jingle:apps:rtp:ssma:0"
        let video = peer.videoSSRCs + peer.videoRTXSSRCs
        let simulcast = peer.videoSSRCs.count > 1
            ? #"<ssrc-group xmlns="\#(ssma)" semantics="SIM">"# + peer.videoSSRCs.map { #"<source ssrc="\#($0)"/>"# }.joined() + "</ssrc-group>"
            : ""
        let fid = zip(peer.videoSSRCs, peer.videoRTXSSRCs).map { primary, rtx in
            #"<ssrc-group xmlns="\#(ssma)" semantics="FID"><source ssrc="\#(primary)"/><source ssrc="\#(rtx)"/></ssrc-group>"#
        }.joined()
        return """
            <sources>
              <media-source type="audio" id="\(peer.name)-a0"><source xmlns="\(ssma)" ssrc="\(peer.audioSSRC)" name="\(peer.name)-a0"/></media-source>
              <media-source type="video" id="\(peer.name)-v0">\(video.map { #"<source xmlns="\#(ssma)" ssrc="\#($0)" name="\#(peer.name)-v0" videoType="camera"/>"# }.joined())\(simulcast)\(fid)</media-source>
            </sources>
            """
    }

    /// Delivers datagrams and fires due timers until `milliseconds` of simulated time have passed.
    func run(milliseconds: Int64) {
        let end = now.adding(milliseconds: milliseconds)
        while now <= end {
            deliver()
            var next = engine.nextDeadline()
            for peer in peers { next = next.earliest(peer.nextDeadline()) }
            let step = next.map { max($0, now.adding(nanoseconds: 1_000_000)) } ?? end.adding(milliseconds: 1)
            guard step <= end else { now = end.adding(nanoseconds: 1); break }
            now = step
            engine.handleTimeout(now: now, transmit: transmit)
            for peer in peers { peer.tick(now: now) }
            drainEvents()
        }
        deliver()
    }

    /// Moves datagrams between the engine and the peers until both queues are empty.
    func deliver() {
        var peersByAddress: [PeerAddress: SimulatedPeer] = [:]
        for peer in peers { peersByAddress[peer.address] = peer }
        for _ in 0..<1000 {
            var moved = false
            for peer in peers where peer.transmit.count > 0 {
                moved = true
                for i in 0..<peer.transmit.count {
                    var bytes = Array(peer.transmit.datagram(i))
                    bytes.withUnsafeMutableBytes {
                        engine.handleDatagram($0, from: peer.address, now: now, transmit: transmit)
                        engine.settleFanOut(transmit: transmit)
                    }
                }
                peer.transmit.removeAll()
            }
            drainEvents()
            if transmit.count > 0 {
                moved = true
                for i in 0..<transmit.count {
                    peersByAddress[transmit.destination(i)]?.handle(transmit.datagram(i), from: Self.bridgeAddress, now: now)
                }
                transmit.removeAll()
            }
            if !moved { break }
        }
    }

    func drainEvents() {
        while engine.pollEvent() != nil {}
    }

    static let mediaXML = """
        <media type="audio">
          <payload-type xmlns="urn:xmpp:jingle:apps:rtp:1" id="111" name="opus" clockrate="48000" channels="2">
            <rtcp-fb xmlns="urn:xmpp:jingle:apps:rtp:rtcp-fb:0" type="transport-cc"/>
          </payload-type>
          <rtp-hdrext xmlns="urn:xmpp:jingle:apps:rtp:rtp-hdrext:0" id="1" uri="urn:ietf:params:rtp-hdrext:ssrc-audio-level"/>
          <rtp-hdrext xmlns="urn:xmpp:jingle:apps:rtp:rtp-hdrext:0" id="5" uri="http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01"/>
          <rtp-hdrext xmlns="urn:xmpp:jingle:apps:rtp:rtp-hdrext:0" id="10" uri="urn:ietf:params:rtp-hdrext:sdes:mid"/>
        </media>
        <media type="video">
          <payload-type xmlns="urn:xmpp:jingle:apps:rtp:1" id="100" name="VP8" clockrate="90000">
            <rtcp-fb xmlns="urn:xmpp:jingle:apps:rtp:rtcp-fb:0" type="nack"/>
            <rtcp-fb xmlns="urn:xmpp:jingle:apps:rtp:rtcp-fb:0" type="nack" subtype="pli"/>
          </payload-type>
          <payload-type xmlns="urn:xmpp:jingle:apps:rtp:1" id="96" name="rtx" clockrate="90000"><parameter name="apt" value="100"/></payload-type>
          <payload-type xmlns="urn:xmpp:jingle:apps:rtp:1" id="41" name="AV1" clockrate="90000">
            <rtcp-fb xmlns="urn:xmpp:jingle:apps:rtp:rtcp-fb:0" type="nack"/>
            <rtcp-fb xmlns="urn:xmpp:jingle:apps:rtp:rtcp-fb:0" type="nack" subtype="pli"/>
          </payload-type>
          <rtp-hdrext xmlns="urn:xmpp:jingle:apps:rtp:rtp-hdrext:0" id="10" uri="urn:ietf:params:rtp-hdrext:sdes:mid"/>
          <rtp-hdrext xmlns="urn:xmpp:jingle:apps:rtp:rtp-hdrext:0" id="11" uri="https://aomediacodec.github.io/av1-rtp-spec/#dependency-descriptor-rtp-header-extension"/>
        </media>
        """
}

import Bridge
import DTLS
import ICE
import MediaLanes
import Primitives
import Synchronization
#if canImport(Glibc)
import Glibc
#endif
import XMLStream

/// An engine and simulated peers on a simulated clock and a lossless in-memory network.
/// Time advances to the earliest deadline of any party, so the tests run in milliseconds and
/// never depend on the machine's speed.
final class BridgeSimulation {
    static let bridgeAddress = PeerAddress(host: "127.0.0.1", port: 10000)!
    let engine: BridgeEngine
    let transmit = TransmitQueue(capacity: 4096)
    var now = Instant(nanoseconds: 1_000_000_000)
    var peers: [SimulatedPeer] = []
    var events: [BridgeEvent] = []
    let meetingID = "7c9e6679-7425-40de-944b-e07fc1f90ae7"
    private var conferenceCreated = false
    /// With `configuration.mediaLanes` > 1: real lane threads that serve their receivers in the
    /// engine's fan-outs, as the media shell runs them, and what they sent.
    private let lanes: MediaLanes?
    private let laneOutputs: [RecordingLaneOutput]

    init(configuration: BridgeConfiguration = BridgeConfiguration(hostAddresses: [bridgeAddress])) throws {
        engine = try BridgeEngine(configuration: configuration)
        if configuration.mediaLanes > 1 {
            let outputs = (1..<configuration.mediaLanes).map { _ in RecordingLaneOutput() }
            // Every fan-out wakes the lanes, however small: the tests are about the lanes' threads.
            let lanes = MediaLanes(count: configuration.mediaLanes, wakeCopies: 0, makeOutput: { outputs[$0 - 1] }) {
                [unowned engine] lane, queue in
                engine.fanOut(lane: lane, transmit: queue)
            }
            guard lanes.start(namePrefix: "sim-lane") == 0 else { throw SimulationError.cannotStartLanes }
            engine.fanOutRunner = { [lanes] queue, copies in lanes.run(sharing: queue, copies: copies) }
            self.lanes = lanes
            laneOutputs = outputs
        } else {
            lanes = nil
            laneOutputs = []
        }
    }

    /// A simulation whose engine spreads receivers over `mediaLanes` media threads.
    convenience init(mediaLanes: Int) throws {
        try self.init(configuration: BridgeConfiguration(hostAddresses: [Self.bridgeAddress], mediaLanes: mediaLanes))
    }

    deinit { lanes?.stop() }

    /// Sends one Colibri2 request (XML text) and returns the reply element, or the error element.
    @discardableResult
    func colibri(_ xml: String) throws -> (ok: Bool, element: XMLElement) {
        let element = try XMLDocument.parse(Array(xml.utf8))
        let outcome = engine.handleConferenceModify(element, now: now, transmit: transmit)
        drainEngine()
        switch outcome {
        case .success(let reply): return (true, reply)
        case .failure(let error, _): return (false, error)
        }
    }

    /// Allocates an endpoint for `peer` as jicofo does, answers with the peer's transport
    /// (optionally with a wrong fingerprint) and its sources, and starts the peer's ICE.
    func join(
        _ peer: SimulatedPeer, fingerprintOverride: String? = nil, visitor: Bool = false, capabilities: [String] = [],
        sourcesXML: String? = nil, mediaXML: String = BridgeSimulation.mediaXML
    ) throws {
        let create = conferenceCreated ? "" : #" name="room@conference.example.com" create="true""#
        conferenceCreated = true
        let role = visitor ? #" muc-role="visitor""# : ""
        let (ok, reply) = try colibri("""
            <conference-modify xmlns="jitsi:colibri2" meeting-id="\(meetingID)"\(create)>
              <endpoint id="\(peer.name)" create="true" stats-id="\(peer.name)-stats"\(role)>
                \(mediaXML)
                <transport ice-controlling="true"><sctp/></transport>
                <sources/>
                <capability name="source-names"/>
                \(capabilities.map { #"<capability name="\#($0)"/>"# }.joined())
              </endpoint>
            </conference-modify>
            """)
        precondition(ok, "allocation failed: \(reply.xmlString())")
        let ice = reply.child("endpoint")!.child("transport")!.child("transport")!
        let bridgeCredentials = ICECredentials(ufrag: ice.attribute("ufrag")!, password: ice.attribute("pwd")!)
        let fingerprint = ice.child("fingerprint")!.text
        let candidate = ice.child("candidate")!
        let candidateAddress = PeerAddress(host: candidate.attribute("ip")!, port: UInt16(candidate.attribute("port")!)!)!
        try peer.connect(bridgeCredentials: bridgeCredentials, bridgeCandidate: candidateAddress, bridgeFingerprint: fingerprint, now: now)
        peers.append(peer)
        let peerFingerprint = fingerprintOverride ?? peer.certificate.fingerprint.value
        try colibri("""
            <conference-modify xmlns="jitsi:colibri2" meeting-id="\(meetingID)">
              <endpoint id="\(peer.name)" stats-id="\(peer.name)-stats">
                <transport><transport xmlns="urn:xmpp:jingle:transports:ice-udp:1" ufrag="\(peer.ice.localCredentials.ufrag)" pwd="\(peer.ice.localCredentials.password)">
                  <fingerprint xmlns="urn:xmpp:jingle:apps:dtls:0" hash="sha-256" setup="active">\(peerFingerprint)</fingerprint>
                </transport></transport>
                \(visitor ? "" : sourcesXML ?? Self.sourcesXML(peer))
              </endpoint>
            </conference-modify>
            """)
        // Trickle: the peer's host candidate, as a separate transport update.
        try signalCandidate(peer.address, for: peer)
        // As jitsi-meet does when its bridge channel opens: receive everyone's video up to 720p.
        sendBridgeChannel(#"{"colibriClass":"ReceiverVideoConstraints","lastN":-1,"defaultConstraints":{"maxHeight":720}}"#, from: peer)
    }

    /// Tells the engine every peer's data channel opened (the SCTP thread's event), once DTLS is up.
    func openBridgeChannels() {
        for index in peers.indices {
            engine.handleBridgeChannelOpened(association: SCTPAssociationTag(rawValue: UInt32(index + 1)), now: now)
        }
        drainEngine()
    }

    /// Delivers one bridge-channel message as if `peer` sent it on its data channel (peers'
    /// associations are numbered in join order from 1).
    func sendBridgeChannel(_ json: String, from peer: SimulatedPeer) {
        guard let index = peers.firstIndex(where: { $0 === peer }) else { return }
        engine.handleBridgeChannelMessage(Array(json.utf8), association: SCTPAssociationTag(rawValue: UInt32(index + 1)), now: now)
        drainEngine()
    }

    /// Sends one trickled host candidate for `peer`'s endpoint (any address: tests of hijacking
    /// signal someone else's).
    func signalCandidate(_ address: PeerAddress, for peer: SimulatedPeer) throws {
        try colibri("""
            <conference-modify xmlns="jitsi:colibri2" meeting-id="\(meetingID)">
              <endpoint id="\(peer.name)"><transport><transport xmlns="urn:xmpp:jingle:transports:ice-udp:1" ufrag="\(peer.ice.localCredentials.ufrag)" pwd="\(peer.ice.localCredentials.password)">
                <candidate component="1" foundation="1" generation="0" id="c1" network="1" priority="2122260223" protocol="udp" type="host" ip="\(address.host)" port="\(address.port)"/>
              </transport></transport></endpoint>
            </conference-modify>
            """)
    }

    /// A peer's audio source and its video source with an RTX SSRC in a FID group.
    static func sourcesXML(_ peer: SimulatedPeer) -> String {
        """
                <sources>
                  <media-source type="audio" id="\(peer.name)-a0"><source xmlns="urn:xmpp:jingle:apps:rtp:ssma:0" ssrc="\(peer.audioSSRC)" name="\(peer.name)-a0"/></media-source>
                  <media-source type="video" id="\(peer.name)-v0">
                    <source xmlns="urn:xmpp:jingle:apps:rtp:ssma:0" ssrc="\(peer.videoSSRC)" name="\(peer.name)-v0"/>
                    <source xmlns="urn:xmpp:jingle:apps:rtp:ssma:0" ssrc="\(peer.videoRTXSSRC)" name="\(peer.name)-v0"/>
                    <ssrc-group xmlns="urn:xmpp:jingle:apps:rtp:ssma:0" semantics="FID"><source ssrc="\(peer.videoSSRC)"/><source ssrc="\(peer.videoRTXSSRC)"/></ssrc-group>
                  </media-source>
                </sources>
        """
    }

    /// One camera on one SSRC, nothing else: a single-layer or SVC sender.
    static func singleCameraXML(_ name: String, ssrc: UInt32) -> String {
        let ssma = "urn:xmpp:jingle:apps:rtp:ssma:0"
        return """
            <sources>
              <media-source type="video" id="\(name)-v0"><source xmlns="\(ssma)" ssrc="\(ssrc)" name="\(name)-v0" videoType="camera"/></media-source>
            </sources>
            """
    }

    /// Delivers every queued datagram and fires every due timer until nothing is left to do
    /// or `milliseconds` of simulated time have passed.
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
            drainEngine()
        }
        deliver()
    }

    /// Moves datagrams between the engine and the peers until both queues are empty.
    func deliver() {
        var rounds = 0
        while rounds < 1000 {
            rounds += 1
            var moved = false
            for peer in peers where peer.transmit.count > 0 {
                moved = true
                for i in 0..<peer.transmit.count where !peer.uplinkBlocked {
                    var bytes = Array(peer.transmit.datagram(i))
                    bytes.withUnsafeMutableBytes {
                        engine.handleDatagram($0, from: peer.address, now: now, transmit: transmit)
                        // The copy dies here: the packet's receivers must have been served.
                        engine.settleFanOut(transmit: transmit)
                    }
                }
                peer.transmit.removeAll()
            }
            drainEngine()
            if transmit.count > 0 {
                moved = true
                for i in 0..<transmit.count {
                    deliverFromBridge(Array(transmit.datagram(i)), to: transmit.destination(i))
                }
                transmit.removeAll()
            }
            for output in laneOutputs {
                let sent = output.take()
                if !sent.isEmpty { moved = true }
                for (bytes, destination) in sent { deliverFromBridge(bytes, to: destination) }
            }
            if !moved { break }
        }
    }

    /// Feeds every datagram the peers queued to the engine as one receive batch, as the media
    /// shell does: the bytes stay alive and the pending fan-out settles only at the end (or
    /// wherever the engine settles by itself). Then moves everything on as `deliver` does.
    func deliverAsOneBatch() {
        var batch: [[UInt8]] = []
        var sources: [PeerAddress] = []
        for peer in peers where !peer.uplinkBlocked {
            for i in 0..<peer.transmit.count {
                batch.append(Array(peer.transmit.datagram(i)))
                sources.append(peer.address)
            }
            peer.transmit.removeAll()
        }
        let buffers = batch.map { bytes -> UnsafeMutableRawBufferPointer in
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: bytes.count, alignment: 8)
            buffer.copyMemory(from: UnsafeRawBufferPointer(start: bytes, count: bytes.count))
            return buffer
        }
        defer { for buffer in buffers { buffer.deallocate() } }
        for (buffer, source) in zip(buffers, sources) {
            engine.handleDatagram(buffer, from: source, now: now, transmit: transmit)
        }
        engine.settleFanOut(transmit: transmit)
        deliver()
    }

    private func deliverFromBridge(_ bytes: [UInt8], to destination: PeerAddress) {
        peers.first { $0.address == destination && !$0.downlinkBlocked }?.handle(bytes, from: Self.bridgeAddress, now: now)
    }

    func drainEngine() {
        while let event = engine.pollEvent() { events.append(event) }
    }

    /// Feeds one raw datagram to the engine as if it came from `source`.
    func inject(_ bytes: [UInt8], from source: PeerAddress) {
        var copy = bytes
        copy.withUnsafeMutableBytes {
            engine.handleDatagram($0, from: source, now: now, transmit: transmit)
            engine.settleFanOut(transmit: transmit)
        }
        drainEngine()
    }

    static let mediaXML = """
        <media type="audio">
          <payload-type xmlns="urn:xmpp:jingle:apps:rtp:1" id="111" name="opus" clockrate="48000" channels="2"/>
          <rtp-hdrext xmlns="urn:xmpp:jingle:apps:rtp:rtp-hdrext:0" id="1" uri="urn:ietf:params:rtp-hdrext:ssrc-audio-level"/>
          <rtp-hdrext xmlns="urn:xmpp:jingle:apps:rtp:rtp-hdrext:0" id="10" uri="urn:ietf:params:rtp-hdrext:sdes:mid"/>
        </media>
        <media type="video">
          <payload-type xmlns="urn:xmpp:jingle:apps:rtp:1" id="100" name="VP8" clockrate="90000">
            <rtcp-fb xmlns="urn:xmpp:jingle:apps:rtp:rtcp-fb:0" type="nack"/>
            <rtcp-fb xmlns="urn:xmpp:jingle:apps:rtp:rtcp-fb:0" type="nack" subtype="pli"/>
          </payload-type>
          <payload-type xmlns="urn:xmpp:jingle:apps:rtp:1" id="96" name="rtx" clockrate="90000"><parameter name="apt" value="100"/></payload-type>
          <payload-type xmlns="urn:xmpp:jingle:apps:rtp:1" id="126" name="H264" clockrate="90000">
            <rtcp-fb xmlns="urn:xmpp:jingle:apps:rtp:rtcp-fb:0" type="nack" subtype="pli"/>
          </payload-type>
          <payload-type xmlns="urn:xmpp:jingle:apps:rtp:1" id="41" name="AV1" clockrate="90000">
            <rtcp-fb xmlns="urn:xmpp:jingle:apps:rtp:rtcp-fb:0" type="nack" subtype="pli"/>
          </payload-type>
          <rtp-hdrext xmlns="urn:xmpp:jingle:apps:rtp:rtp-hdrext:0" id="10" uri="urn:ietf:params:rtp-hdrext:sdes:mid"/>
          <rtp-hdrext xmlns="urn:xmpp:jingle:apps:rtp:rtp-hdrext:0" id="11" uri="https://aomediacodec.github.io/av1-rtp-spec/#dependency-descriptor-rtp-header-extension"/>
        </media>
        """
}

enum SimulationError: Error {
    case cannotStartLanes
}

/// A lane's output in the simulation: what the lane sealed, kept until the simulation delivers it.
final class RecordingLaneOutput: LaneOutput, Sendable {
    let batchCapacity = 64
    private let batch = Mutex<[([UInt8], PeerAddress)]>([])
    private let sent = Mutex<[([UInt8], PeerAddress)]>([])

    func prepare(_ index: Int, bytes: UnsafeRawPointer, length: Int, to destination: PeerAddress) {
        let copy = Array(UnsafeRawBufferPointer(start: bytes, count: length))
        batch.withLock { $0.append((copy, destination)) }
    }

    func flush(count: Int) -> LaneSendResult {
        let taken = batch.withLock { pending in defer { pending.removeAll() }; return pending }
        sent.withLock { $0.append(contentsOf: taken) }
        return LaneSendResult()
    }

    /// What was sent since the last call, in order.
    func take() -> [([UInt8], PeerAddress)] {
        sent.withLock { all in defer { all.removeAll() }; return all }
    }
}

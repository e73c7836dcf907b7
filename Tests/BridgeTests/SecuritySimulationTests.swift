import Bridge
import ICE
import Primitives
import RTP
import Testing
import XMLStream

/// What one participant can try against the others, on the in-memory network: each attack is
/// dropped and counted, and the victims' media keeps flowing.
@Suite struct SecuritySimulationTests {
    static func address(_ last: UInt8) -> PeerAddress { ForwardingSimulationTests.address(last) }
    static let bigEndian = FeedbackSimulationTests.bigEndian

    /// A, B and C in a call, plus the attacker M, all connected and keyed.
    static func callWithAttacker() throws -> (BridgeSimulation, victims: [SimulatedPeer], attacker: SimulatedPeer) {
        let (simulation, victims) = try ForwardingSimulationTests.threePartyCall()
        let attacker = try SimulatedPeer(name: "M", address: address(66), ssrcBase: 66000)
        try simulation.join(attacker)
        simulation.run(milliseconds: 3000)
        #expect(attacker.isMediaReady)
        return (simulation, victims, attacker)
    }

    /// Every victim sends `rounds` audio packets; returns how many each received from each other.
    static func exchangeAudio(_ simulation: BridgeSimulation, _ victims: [SimulatedPeer], rounds: Int = 5) -> [String: Int] {
        for peer in victims { peer.receivedRTP.removeAll() }
        for _ in 0..<rounds {
            for peer in victims { peer.sendRTP(ssrc: peer.audioSSRC, payloadType: 111) }
            simulation.deliver()
        }
        var received: [String: Int] = [:]
        for peer in victims {
            for other in victims where other !== peer {
                received["\(other.name)→\(peer.name)"] = peer.receivedRTP[other.audioSSRC]?.count ?? 0
            }
        }
        return received
    }

    static func expectFlowing(_ simulation: BridgeSimulation, _ victims: [SimulatedPeer], _ comment: Comment) {
        let received = exchangeAudio(simulation, victims)
        #expect(received.values.allSatisfy { $0 == 5 }, "\(comment): \(received)")
    }

    static func drops(_ simulation: BridgeSimulation, _ label: String) -> UInt64 {
        simulation.engine.statistics().drops[label] ?? 0
    }

    // MARK: routing

    @Test func signallingAnotherEndpointsAddressDivertsNothing() throws {
        let (simulation, victims, attacker) = try Self.callWithAttacker()
        let a = victims[0]
        try simulation.signalCandidate(a.address, for: attacker)
        #expect(Self.drops(simulation, "candidate_address_in_use") == 1)
        // Longer than consent expiry (30 s): A's consent keeps being refreshed through it all.
        simulation.run(milliseconds: 40_000)
        Self.expectFlowing(simulation, victims, "after M signalled A's address")
        #expect(simulation.engine.statistics().endpointsICEFailed == 0)
    }

    @Test func addressSignalledBeforeTheVictimJoinsIsNotBound() throws {
        let simulation = try BridgeSimulation()
        let attacker = try SimulatedPeer(name: "M", address: Self.address(66), ssrcBase: 66000)
        try simulation.join(attacker)
        simulation.run(milliseconds: 2000)
        let victimAddress = Self.address(2)
        // M names the address the victim will use before the victim is even there.
        try simulation.signalCandidate(victimAddress, for: attacker)
        let victim = try SimulatedPeer(name: "A", address: victimAddress, ssrcBase: 2000)
        let other = try SimulatedPeer(name: "B", address: Self.address(3), ssrcBase: 3000)
        try simulation.join(victim)
        try simulation.join(other)
        simulation.run(milliseconds: 40_000)
        #expect(victim.isMediaReady && other.isMediaReady)
        Self.expectFlowing(simulation, [victim, other], "victim joined at an address M signalled")
    }

    @Test func checkFromAnotherEndpointsVerifiedAddressIsRefused() throws {
        let (simulation, victims, attacker) = try Self.callWithAttacker()
        let a = victims[0]
        // A valid check with M's own credentials, sent from A's address (a spoofed source).
        let forger = ICEAgent(local: attacker.ice.localCredentials, tieBreaker: 7, role: .controlled)
        forger.setRemoteCredentials(try #require(attacker.ice.remoteCredentials), now: simulation.now)
        forger.addRemoteCandidate(
            ICECandidate(foundation: "1", component: 1, priority: 1, address: BridgeSimulation.bridgeAddress, type: .host, relatedAddress: nil),
            now: simulation.now)
        let transmit = TransmitQueue(capacity: 8)
        forger.handleTimeout(now: simulation.now, transmit: transmit)
        #expect(transmit.count == 1)
        simulation.inject(Array(transmit.datagram(0)), from: a.address)
        #expect(Self.drops(simulation, "address_in_use") == 1)
        Self.expectFlowing(simulation, victims, "after a forged check from A's address")
    }

    // MARK: SSRCs

    @Test func mediaUnderForeignOrUnsignalledSSRCsIsDropped() throws {
        let (simulation, victims, attacker) = try Self.callWithAttacker()
        let (a, b) = (victims[0], victims[1])
        let cacheBefore = simulation.engine.statistics().packetCacheBytes
        b.receivedRTP.removeAll()
        for _ in 0..<10 { attacker.sendRTP(ssrc: a.audioSSRC, payloadType: 111) }
        var generator = SystemRandomNumberGenerator()
        for index in 0..<500 {
            attacker.sendRTP(ssrc: UInt32.random(in: 1...UInt32.max, using: &generator) | 0x8000_0000, payloadType: 100)
            if index % 100 == 99 { simulation.deliver() }  // a peer queues at most 256 datagrams
        }
        #expect(Self.drops(simulation, "unknown_ssrc") == 510)
        #expect(b.receivedRTP[a.audioSSRC] == nil, "B received M's packets under A's SSRC")
        #expect(b.receivedRTP.count == 0)
        #expect(simulation.engine.statistics().packetCacheBytes == cacheBefore)
        Self.expectFlowing(simulation, victims, "after the SSRC flood")
    }

    @Test func visitorsMediaIsDropped() throws {
        let (simulation, victims) = try ForwardingSimulationTests.threePartyCall()
        let visitor = try SimulatedPeer(name: "V", address: Self.address(77), ssrcBase: 77000)
        try simulation.join(visitor, visitor: true)
        simulation.run(milliseconds: 3000)
        #expect(visitor.isMediaReady)
        for peer in victims { peer.receivedRTP.removeAll() }
        for _ in 0..<20 {
            visitor.sendRTP(ssrc: visitor.audioSSRC, payloadType: 111)
            visitor.sendRTP(ssrc: visitor.videoSSRC, payloadType: 100)
        }
        simulation.deliver()
        #expect(Self.drops(simulation, "unknown_ssrc") == 40)
        #expect(victims.allSatisfy { $0.receivedRTP.isEmpty })
        // The visitor still receives everyone.
        let received = Self.exchangeAudio(simulation, victims)
        #expect(received.values.allSatisfy { $0 == 5 })
        #expect(visitor.receivedRTP[victims[0].audioSSRC]?.count == 5)
    }

    @Test func sourcesAreBoundedAndNotShared() throws {
        let (simulation, victims, attacker) = try Self.callWithAttacker()
        let a = victims[0]
        let taken = try simulation.colibri(Self.sourcesUpdate(attacker, ssrcs: [a.audioSSRC]))
        #expect(!taken.ok && taken.element.xmlString().contains("bad-request"))
        let tooMany = try simulation.colibri(Self.sourcesUpdate(attacker, ssrcs: (1...65).map { 90_000 + UInt32($0) }))
        #expect(!tooMany.ok && tooMany.element.xmlString().contains("bad-request"))
        // A's audio still belongs to A alone.
        attacker.sendRTP(ssrc: a.audioSSRC, payloadType: 111)
        simulation.deliver()
        #expect(Self.drops(simulation, "unknown_ssrc") == 1)
        Self.expectFlowing(simulation, victims, "after refused source updates")
    }

    static func sourcesUpdate(_ peer: SimulatedPeer, ssrcs: [UInt32]) -> String {
        let sources = ssrcs.map { #"<source xmlns="urn:xmpp:jingle:apps:rtp:ssma:0" ssrc="\#($0)" name="\#(peer.name)-v0"/>"# }.joined()
        return """
            <conference-modify xmlns="jitsi:colibri2" meeting-id="\(BridgeSimulationMeeting.id)">
              <endpoint id="\(peer.name)"><sources><media-source type="video" id="\(peer.name)-v0">\(sources)</media-source></sources></endpoint>
            </conference-modify>
            """
    }

    // MARK: RTCP

    @Test func nackFloodIsBoundedPerRequestAndPerSecond() throws {
        let (simulation, victims, attacker) = try Self.callWithAttacker()
        let a = victims[0]
        for seq in UInt16(1000)..<1400 {
            a.sendRTP(ssrc: a.videoSSRC, payloadType: 100, sequenceNumber: seq, payload: Self.videoPayload1000)
            if seq % 100 == 99 { simulation.deliver() }  // a peer queues at most 256 datagrams
        }
        attacker.receivedPackets.removeAll()
        // 50 NACKs at one instant, each asking for all 400 cached packets.
        let nack = try Self.nack(sender: attacker.videoSSRC, media: a.videoSSRC, lost: Array(UInt16(1000)..<1400))
        for _ in 0..<50 { attacker.sendRTCP(nack) }
        simulation.deliver()
        let resent = attacker.receivedPackets.count
        let resentBytes = attacker.receivedPackets.reduce(0) { $0 + $1.count }
        // The first NACK resends its first 100 packets; later ones find those suppressed as
        // repeats and the rest of the burst budget (125 kB) soon spent.
        #expect(resent >= RetransmissionLimiterFigures.perRequest)
        #expect(resentBytes <= RetransmissionLimiterFigures.burstBytes)
        #expect(Self.drops(simulation, "retransmission_limited") == UInt64(50 * 400 - resent))
        Self.expectFlowing(simulation, victims, "during the NACK flood")
        // A second later the budget has refilled: new packets are resent again, once each.
        simulation.run(milliseconds: 1000)
        for seq in UInt16(2000)..<2100 { a.sendRTP(ssrc: a.videoSSRC, payloadType: 100, sequenceNumber: seq, payload: Self.videoPayload1000) }
        simulation.deliver()
        attacker.receivedPackets.removeAll()
        let fresh = try Self.nack(sender: attacker.videoSSRC, media: a.videoSSRC, lost: Array(UInt16(2000)..<2100))
        attacker.sendRTCP(fresh)
        attacker.sendRTCP(fresh)
        simulation.deliver()
        #expect(attacker.receivedPackets.count == 100)
    }

    @Test func repeatedNackWithinTheRoundTripIsSuppressed() throws {
        let (simulation, victims, attacker) = try Self.callWithAttacker()
        let a = victims[0]
        for seq in UInt16(10)..<20 { a.sendRTP(ssrc: a.videoSSRC, payloadType: 100, sequenceNumber: seq) }
        simulation.deliver()
        attacker.receivedPackets.removeAll()
        let nack = try Self.nack(sender: attacker.videoSSRC, media: a.videoSSRC, lost: [15])
        attacker.sendRTCP(nack)
        attacker.sendRTCP(nack)
        simulation.deliver()
        #expect(attacker.receivedPackets.count == 1)
        #expect(Self.drops(simulation, "retransmission_limited") == 1)
    }

    /// A 1000-byte VP8 key-frame packet payload (the bridge starts a receiver's stream only at one).
    static let videoPayload1000 = SimulatedPeer.vp8KeyframePayload + Array(repeating: 0x5A, count: 1000 - SimulatedPeer.vp8KeyframePayload.count)

    static func nack(sender: UInt32, media: UInt32, lost: [UInt16]) throws -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: 1400)
        let length = try buffer.withUnsafeMutableBytes { try RTCPGenericNACK.write(senderSSRC: sender, mediaSSRC: media, lost: lost, into: $0) }
        return Array(buffer[0..<length])
    }

    @Test func senderReportsForOthersSSRCsAreNotRelayed() throws {
        let (simulation, victims, attacker) = try Self.callWithAttacker()
        let (a, b) = (victims[0], victims[1])
        for peer in victims { peer.receivedRTCP.removeAll() }
        let forgedNTP: UInt32 = 0x0BAD_F00D
        attacker.sendRTCP([0x80, 200, 0, 6] + Self.bigEndian(a.audioSSRC) + Self.bigEndian(forgedNTP) + Self.bigEndian(0)
                          + Self.bigEndian(1234) + Self.bigEndian(1) + Self.bigEndian(100))
        simulation.deliver()
        #expect(Self.drops(simulation, "spoofed_sender_report") == 1)
        let forged = b.receivedRTCP.filter { $0.count >= 12 && $0[1] == 200 && Array($0[8..<12]) == Self.bigEndian(forgedNTP) }
        #expect(forged.isEmpty)
        // A's own report still reaches B.
        a.sendRTCP([0x80, 200, 0, 6] + Self.bigEndian(a.audioSSRC) + Self.bigEndian(0xE000_0000) + Self.bigEndian(0)
                   + Self.bigEndian(1234) + Self.bigEndian(1) + Self.bigEndian(100))
        simulation.deliver()
        #expect(b.receivedRTCP.contains { $0.count >= 12 && $0[1] == 200 && Array($0[4..<8]) == Self.bigEndian(a.audioSSRC) })
    }

    @Test func receiverReportsForManyStreamsAreSplitIntoSeveralPackets() throws {
        let simulation = try BridgeSimulation()
        let sender = try SimulatedPeer(name: "S", address: Self.address(2), ssrcBase: 2000)
        let receiver = try SimulatedPeer(name: "R", address: Self.address(3), ssrcBase: 3000)
        try simulation.join(sender)
        try simulation.join(receiver)
        simulation.run(milliseconds: 3000)
        let ssrcs = (1...40).map { 50_000 + UInt32($0) }
        #expect(try simulation.colibri(Self.sourcesUpdate(sender, ssrcs: ssrcs)).ok)
        sender.receivedRTCP.removeAll()
        for ssrc in ssrcs { sender.sendRTP(ssrc: ssrc, payloadType: 100) }
        simulation.deliver()
        simulation.run(milliseconds: 2000)
        var reported = Set<UInt32>()
        for compound in sender.receivedRTCP where compound.count >= 8 && compound[1] == 201 {
            let blocks = Int(compound[0] & 0x1F)
            for index in 0..<blocks where compound.count >= 8 + (index + 1) * 24 {
                let offset = 8 + index * 24
                reported.insert(compound[offset..<offset + 4].reduce(0) { $0 << 8 | UInt32($1) })
            }
        }
        #expect(reported == Set(ssrcs))
    }

    // MARK: ICE, DTLS, limits, memory

    @Test func tieBreakersAreRandomPerEndpoint() throws {
        let (simulation, victims) = try ForwardingSimulationTests.threePartyCall()
        simulation.run(milliseconds: 12_000)
        var tieBreakers = Set<UInt64>()
        for peer in victims {
            for message in peer.receivedSTUN where message.count >= 20 && message[0] == 0 && message[1] == 1 {
                if let value = Self.iceControlling(in: message) { tieBreakers.insert(value) }
            }
        }
        #expect(tieBreakers.count == victims.count)
        #expect(!tieBreakers.contains(.max))
    }

    /// The ICE-CONTROLLING attribute (0x802A) of a Binding Request.
    static func iceControlling(in message: [UInt8]) -> UInt64? {
        var offset = 20
        while offset + 4 <= message.count {
            let type = UInt16(message[offset]) << 8 | UInt16(message[offset + 1])
            let length = Int(UInt16(message[offset + 2]) << 8 | UInt16(message[offset + 3]))
            if type == 0x802A, length == 8, offset + 12 <= message.count {
                return message[offset + 4..<offset + 12].reduce(0) { $0 << 8 | UInt64($1) }
            }
            offset += 4 + (length + 3) & ~3
        }
        return nil
    }

    @Test func fingerprintChangedAfterKeyingDropsTheKeys() throws {
        let (simulation, victims) = try ForwardingSimulationTests.threePartyCall()
        let (a, b) = (victims[0], victims[1])
        let otherFingerprint = String(repeating: "AB:", count: 31) + "AB"
        try simulation.colibri("""
            <conference-modify xmlns="jitsi:colibri2" meeting-id="\(simulation.meetingID)">
              <endpoint id="A"><transport><transport xmlns="urn:xmpp:jingle:transports:ice-udp:1" ufrag="\(a.ice.localCredentials.ufrag)" pwd="\(a.ice.localCredentials.password)">
                <fingerprint xmlns="urn:xmpp:jingle:apps:dtls:0" hash="sha-256" setup="active">\(otherFingerprint)</fingerprint>
              </transport></transport></endpoint>
            </conference-modify>
            """)
        let noKeysBefore = Self.drops(simulation, "no_srtp_keys")
        b.receivedRTP.removeAll()
        for _ in 0..<5 { a.sendRTP(ssrc: a.audioSSRC, payloadType: 111) }
        simulation.deliver()
        #expect(b.receivedRTP[a.audioSSRC] == nil, "A's media still decrypted with the old keys")
        #expect(Self.drops(simulation, "no_srtp_keys") == noKeysBefore + 5)
        Self.expectFlowing(simulation, [b, victims[2]], "B and C after A's fingerprint changed")
    }

    @Test func conferenceAndEndpointLimitsAnswerServiceUnavailable() throws {
        let configuration = BridgeConfiguration(
            hostAddresses: [BridgeSimulation.bridgeAddress], maximumConferences: 1, maximumEndpointsPerConference: 2)
        let simulation = try BridgeSimulation(configuration: configuration)
        try simulation.join(try SimulatedPeer(name: "A", address: Self.address(2), ssrcBase: 2000))
        try simulation.join(try SimulatedPeer(name: "B", address: Self.address(3), ssrcBase: 3000))
        let third = try simulation.colibri("""
            <conference-modify xmlns="jitsi:colibri2" meeting-id="\(simulation.meetingID)">
              <endpoint id="C" create="true">\(BridgeSimulation.mediaXML)<transport ice-controlling="true"/><capability name="source-names"/></endpoint>
            </conference-modify>
            """)
        #expect(!third.ok && third.element.xmlString().contains("service-unavailable"), "\(third.element.xmlString())")
        let second = try simulation.colibri("""
            <conference-modify xmlns="jitsi:colibri2" meeting-id="second" name="other@conference.example.com" create="true"/>
            """)
        #expect(!second.ok && second.element.xmlString().contains("service-unavailable"))
        #expect(!second.element.xmlString().contains("graceful_shutdown"))
        #expect(simulation.engine.statistics().endpoints == 2)
    }

    @Test func consentLossReleasesPacketCachesAndExpiryClearsEverything() throws {
        let (simulation, victims) = try ForwardingSimulationTests.threePartyCall()
        let a = victims[0]
        for _ in 0..<10 { a.sendRTP(ssrc: a.videoSSRC, payloadType: 100) }
        simulation.deliver()
        #expect(simulation.engine.statistics().packetCacheBytes > 0)
        // A vanishes: it answers nothing from now on.
        simulation.peers.removeAll { $0 === a }
        #expect(simulation.engine.statistics().endpointsConnected == 3)
        simulation.run(milliseconds: 40_000)
        #expect(simulation.engine.statistics().packetCacheBytes == 0)
        #expect(simulation.engine.statistics().endpoints == 3)
        #expect(simulation.engine.statistics().endpointsConnected == 2)
        // jicofo expires it once the participant left the MUC.
        try simulation.colibri("""
            <conference-modify xmlns="jitsi:colibri2" meeting-id="\(simulation.meetingID)"><endpoint id="A" expire="true"/></conference-modify>
            """)
        #expect(simulation.engine.statistics().endpoints == 2)
        Self.expectFlowing(simulation, [victims[1], victims[2]], "after A vanished and expired")
    }
}

/// The meeting id every `BridgeSimulation` uses, for requests built outside one.
enum BridgeSimulationMeeting {
    static let id = "7c9e6679-7425-40de-944b-e07fc1f90ae7"
}

/// `RetransmissionLimiter`'s limits as the tests expect them (the type is internal to Bridge).
enum RetransmissionLimiterFigures {
    static let perRequest = 100
    static let burstBytes = 125_000
}

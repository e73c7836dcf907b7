import Bridge
import Primitives
import RTP
import Testing

/// Three in-memory peers built from our own ICE/DTLS/SRTP modules talk through the engine.
@Suite struct ForwardingSimulationTests {
    static func address(_ last: UInt8) -> PeerAddress { PeerAddress(ipv4: 0x7F00_0000 | UInt32(last), port: 40000) }

    /// With `mediaLanes` > 1 the three receivers are sealed on three different threads.
    static func threePartyCall(mediaLanes: Int = 1) throws -> (BridgeSimulation, [SimulatedPeer]) {
        let simulation = try BridgeSimulation(mediaLanes: mediaLanes)
        let peers = try [("A", 2), ("B", 3), ("C", 4)].map { try SimulatedPeer(name: $0.0, address: address(UInt8($0.1)), ssrcBase: UInt32($0.1) * 1000) }
        for peer in peers { try simulation.join(peer) }
        simulation.run(milliseconds: 3000)
        return (simulation, peers)
    }

    @Test(arguments: [1, 4]) func everyPeerReceivesTheOthersAndNotItself(mediaLanes: Int) throws {
        let (simulation, peers) = try Self.threePartyCall(mediaLanes: mediaLanes)
        for peer in peers { #expect(peer.isMediaReady, "\(peer.name) has no SRTP keys") }
        for _ in 0..<10 {
            for peer in peers {
                peer.sendRTP(ssrc: peer.audioSSRC, payloadType: 111)
                peer.sendRTP(ssrc: peer.videoSSRC, payloadType: 100)
            }
            simulation.deliver()
        }
        for peer in peers {
            for other in peers where other !== peer {
                #expect(peer.receivedRTP[other.audioSSRC]?.count == 10, "\(peer.name) from \(other.name) audio")
                #expect(peer.receivedRTP[other.videoSSRC]?.count == 10, "\(peer.name) from \(other.name) video")
                #expect(peer.receivedRTP[other.videoSSRC].map { $0 == $0.sorted() } == true, "\(peer.name): in order")
            }
            #expect(peer.receivedRTP[peer.audioSSRC] == nil)
            #expect(peer.receivedRTP[peer.videoSSRC] == nil)
        }
        let stats = simulation.engine.statistics()
        #expect(stats.conferences == 1)
        #expect(stats.endpoints == 3)
    }

    @Test func senderMIDIsStrippedAndAudioLevelKept() throws {
        let (simulation, peers) = try Self.threePartyCall()
        peers[0].sendRTP(ssrc: peers[0].audioSSRC, payloadType: 111)
        simulation.deliver()
        let packet = try #require(peers[1].receivedPackets.last)
        try packet.withUnsafeBytes { bytes in
            let header = try RTPHeaderView(parsing: bytes)
            #expect(header.extensionElement(id: 10, in: bytes) == nil)
            #expect(header.extensionElement(id: 1, in: bytes) != nil)
            #expect(header.payloadLength == 160)
        }
    }

    @Test func mismatchedFingerprintGetsNoMedia() throws {
        let simulation = try BridgeSimulation()
        let good = try SimulatedPeer(name: "A", address: Self.address(2), ssrcBase: 2000)
        let liar = try SimulatedPeer(name: "B", address: Self.address(3), ssrcBase: 3000)
        try simulation.join(good)
        try simulation.join(liar, fingerprintOverride: String(repeating: "AB:", count: 31) + "AB")
        simulation.run(milliseconds: 3000)
        for _ in 0..<5 { good.sendRTP(ssrc: good.audioSSRC, payloadType: 111) }
        simulation.deliver()
        #expect(liar.receivedRTP.isEmpty)
        #expect(simulation.engine.statistics().endpointsDTLSFailed == 1)
    }

    @Test func datagramsFromUnverifiedAddressesAreDroppedAndCounted() throws {
        let (simulation, peers) = try Self.threePartyCall()
        var generator = SystemRandomNumberGenerator()
        let stranger = Self.address(99)
        for _ in 0..<2000 {
            let length = Int.random(in: 0...300, using: &generator)
            simulation.inject((0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }, from: stranger)
        }
        let drops = simulation.engine.statistics().drops
        let counted = (drops["unverified_source"] ?? 0) + (drops["unknown_ufrag"] ?? 0) + (drops["unknown_datagram_kind"] ?? 0)
        #expect(counted == 2000)
        // The call is undisturbed.
        peers[0].sendRTP(ssrc: peers[0].audioSSRC, payloadType: 111)
        simulation.deliver()
        #expect(peers[1].receivedRTP[peers[0].audioSSRC]?.count == 1)
    }

    @Test func malformedRTPFromAVerifiedPeerIsDropped() throws {
        let (simulation, peers) = try Self.threePartyCall()
        let ssrc = peers[0].videoSSRC
        let ssrcBytes = [UInt8(ssrc >> 24), UInt8((ssrc >> 16) & 0xFF), UInt8((ssrc >> 8) & 0xFF), UInt8(ssrc & 0xFF)]
        for i in 0..<200 {
            // Garbage that looks like RTP by its first byte, under the peer's own SSRC, but fails
            // SRTP authentication.
            let filler = (0..<(8 + i % 50)).map { UInt8(truncatingIfNeeded: $0 &* 31) }
            simulation.inject([0x80, 111, 0, UInt8(i), 0, 0, 0, 0] + ssrcBytes + filler, from: peers[0].address)
        }
        // And 100 more under SSRCs the peer never signalled: refused before any decryption.
        for i in 0..<100 {
            simulation.inject([0x80, 111, 0, UInt8(i), 0, 0, 0, 0, 0xDE, 0xAD, 0, UInt8(i)] + Array(repeating: 0x33, count: 40), from: peers[0].address)
        }
        let drops = simulation.engine.statistics().drops
        // Short ones cannot even hold an authentication tag; the rest fail authentication.
        #expect((drops["srtp_auth_failed"] ?? 0) + (drops["srtp_error"] ?? 0) == 200)
        #expect((drops["srtp_auth_failed"] ?? 0) > 0)
        #expect(drops["unknown_ssrc"] == 100)
        peers[0].sendRTP(ssrc: peers[0].videoSSRC, payloadType: 100)
        simulation.deliver()
        #expect(peers[2].receivedRTP[peers[0].videoSSRC]?.count == 1)
    }

    @Test func expiryEmptiesTheGauges() throws {
        let (simulation, peers) = try Self.threePartyCall()
        try simulation.colibri("""
            <conference-modify xmlns="jitsi:colibri2" meeting-id="\(simulation.meetingID)"><endpoint id="\(peers[1].name)" expire="true"/></conference-modify>
            """)
        #expect(simulation.engine.statistics().endpoints == 2)
        try simulation.colibri(#"<conference-modify xmlns="jitsi:colibri2" meeting-id="\#(simulation.meetingID)" expire="true"/>"#)
        let stats = simulation.engine.statistics()
        #expect(stats.endpoints == 0)
        #expect(stats.conferences == 0)
    }
}

import Bridge
import Primitives
import RTP
import Testing

/// RTCP is terminated at the bridge: keyframe requests and NACKs are answered or routed, not relayed.
@Suite struct FeedbackSimulationTests {
    static func bigEndian(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24), UInt8((value >> 16) & 0xFF), UInt8((value >> 8) & 0xFF), UInt8(value & 0xFF)]
    }

    @Test func pliReachesTheSenderFromTheBridgesFeedbackSSRC() throws {
        let (simulation, peers) = try ForwardingSimulationTests.threePartyCall()
        let (a, b) = (peers[0], peers[1])
        a.receivedRTCP.removeAll()
        b.sendRTCP([0x81, 206, 0, 2] + Self.bigEndian(b.videoSSRC) + Self.bigEndian(a.videoSSRC))
        simulation.deliver()
        let plis = a.receivedRTCP.filter { $0.count >= 12 && $0[1] == 206 && ($0[0] & 0x1F) == 1 }
        let pli = try #require(plis.first)
        #expect(Array(pli[8..<12]) == Self.bigEndian(a.videoSSRC))
        #expect(Array(pli[4..<8]) != Self.bigEndian(b.videoSSRC))
    }

    @Test func nackIsAnsweredFromTheCacheWithRTX() throws {
        let (simulation, peers) = try ForwardingSimulationTests.threePartyCall()
        let (a, c) = (peers[0], peers[2])
        for seq in UInt16(500)...505 { a.sendRTP(ssrc: a.videoSSRC, payloadType: 100, sequenceNumber: seq) }
        simulation.deliver()
        c.receivedPackets.removeAll()
        // Generic NACK (RFC 4585 §6.2.1) for sequence 502 of A's video.
        c.sendRTCP([0x81, 205, 0, 3] + Self.bigEndian(c.videoSSRC) + Self.bigEndian(a.videoSSRC) + [0x01, 0xF6, 0, 0])
        simulation.deliver()
        let retransmission = try #require(c.receivedPackets.first)
        try retransmission.withUnsafeBytes { bytes in
            let header = try RTPHeaderView(parsing: bytes)
            #expect(header.ssrc == a.videoRTXSSRC)
            #expect(header.payloadType == 96)
            #expect(bytes[header.payloadOffset] == 0x01 && bytes[header.payloadOffset + 1] == 0xF6)
        }
    }

    /// With several media threads a batch's packets reach their receivers when the batch
    /// settles, and anything but RTP settles first: a NACK later in the same batch finds the
    /// packet forwarded and cached. Handled before the packets' fan-out, it would name a number
    /// the receiver had not been sent yet, and go unanswered.
    @Test func aNACKLaterInTheBatchIsAnsweredFromPacketsEarlierInIt() throws {
        let (simulation, peers) = try ForwardingSimulationTests.threePartyCall(mediaLanes: 4)
        let (a, c) = (peers[0], peers[2])
        for seq in UInt16(500)...505 { a.sendRTP(ssrc: a.videoSSRC, payloadType: 100, sequenceNumber: seq) }
        c.receivedPackets.removeAll()
        c.sendRTCP([0x81, 205, 0, 3] + Self.bigEndian(c.videoSSRC) + Self.bigEndian(a.videoSSRC) + [0x01, 0xF6, 0, 0])
        simulation.deliverAsOneBatch()
        let headers = try c.receivedPackets.map { packet in try packet.withUnsafeBytes { try RTPHeaderView(parsing: $0) } }
        #expect(headers.filter { $0.ssrc == a.videoSSRC }.map(\.sequenceNumber) == Array(500...505))
        #expect(headers.filter { $0.ssrc == a.videoRTXSSRC }.count == 1)
        #expect(simulation.engine.statistics().retransmissionsUnavailable == 0)
    }

    @Test func receiversGetSenderReportsAndSendersGetReceiverReports() throws {
        let (simulation, peers) = try ForwardingSimulationTests.threePartyCall()
        let (a, b) = (peers[0], peers[1])
        for _ in 0..<20 { a.sendRTP(ssrc: a.audioSSRC, payloadType: 111) }
        // A sender report from A (RFC 3550 §6.4.1), no report blocks.
        a.sendRTCP([0x80, 200, 0, 6] + Self.bigEndian(a.audioSSRC) + Self.bigEndian(0xE000_0000) + Self.bigEndian(0x1000)
                   + Self.bigEndian(48000) + Self.bigEndian(20) + Self.bigEndian(3200))
        simulation.deliver()
        simulation.run(milliseconds: 2000)
        let reportsAtB = b.receivedRTCP.filter { $0.count >= 8 && $0[1] == 200 && Array($0[4..<8]) == Self.bigEndian(a.audioSSRC) }
        #expect(!reportsAtB.isEmpty)
        let receiverReportsAtA = a.receivedRTCP.filter { $0.count >= 8 && $0[1] == 201 }
        #expect(!receiverReportsAtA.isEmpty)
    }
}

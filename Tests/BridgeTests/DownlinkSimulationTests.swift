import Bridge
import Foundation
import Primitives
import RTP
import Testing

/// Header extensions are per hop: every packet to a receiver carries the bridge's own
/// transport-wide sequence number, and the receiver's feedback about those numbers becomes its
/// downlink estimate.
@Suite struct DownlinkSimulationTests {
    static let transportCCID: UInt8 = 5

    /// The simulation's media with transport-cc negotiated (extension id 5, rtcp-fb on every codec).
    static let transportCCMediaXML = BridgeSimulation.mediaXML
        .replacingOccurrences(
            of: #"<rtp-hdrext xmlns="urn:xmpp:jingle:apps:rtp:rtp-hdrext:0" id="10" uri="urn:ietf:params:rtp-hdrext:sdes:mid"/>"#,
            with: #"<rtp-hdrext xmlns="urn:xmpp:jingle:apps:rtp:rtp-hdrext:0" id="10" uri="urn:ietf:params:rtp-hdrext:sdes:mid"/>"#
                + #"<rtp-hdrext xmlns="urn:xmpp:jingle:apps:rtp:rtp-hdrext:0" id="5" uri="http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01"/>"#)
        .replacingOccurrences(
            of: #"clockrate="48000" channels="2"/>"#,
            with: #"clockrate="48000" channels="2"><rtcp-fb xmlns="urn:xmpp:jingle:apps:rtp:rtcp-fb:0" type="transport-cc"/></payload-type>"#)

    /// MID, audio level and a transport-wide sequence number (id 5), one-byte form.
    static func extensions(transportSequence: UInt16) -> [UInt8] {
        [0xBE, 0xDE, 0x00, 0x02, 0xA1, 0x61, 0x30, 0x10, 0x2A, 0x51, UInt8(transportSequence >> 8), UInt8(transportSequence & 0xFF)]
    }

    /// A and B negotiated transport-cc, C did not.
    static func call(mediaLanes: Int = 1) throws -> (BridgeSimulation, SimulatedPeer, SimulatedPeer, SimulatedPeer) {
        let simulation = try BridgeSimulation(mediaLanes: mediaLanes)
        let a = try SimulatedPeer(name: "A", address: ForwardingSimulationTests.address(2), ssrcBase: 2000)
        let b = try SimulatedPeer(name: "B", address: ForwardingSimulationTests.address(3), ssrcBase: 3000)
        let c = try SimulatedPeer(name: "C", address: ForwardingSimulationTests.address(4), ssrcBase: 4000)
        try simulation.join(a, mediaXML: transportCCMediaXML)
        try simulation.join(b, mediaXML: transportCCMediaXML)
        try simulation.join(c)
        simulation.run(milliseconds: 3000)
        simulation.openBridgeChannels()
        return (simulation, a, b, c)
    }

    static func transportSequence(of packet: [UInt8]) -> UInt16? {
        packet.withUnsafeBytes { bytes in
            guard let header = try? RTPHeaderView(parsing: bytes),
                let element = header.extensionElement(id: transportCCID, in: bytes), element.length == 2
            else { return nil }
            return UInt16(bytes[element.offset]) << 8 | UInt16(bytes[element.offset + 1])
        }
    }

    static func audioLevel(of packet: [UInt8]) -> UInt8? {
        packet.withUnsafeBytes { bytes in
            guard let header = try? RTPHeaderView(parsing: bytes), let element = header.extensionElement(id: 1, in: bytes) else { return nil }
            return bytes[element.offset]
        }
    }

    @Test(arguments: [1, 4]) func eachReceiverGetsItsOwnGaplessNumbersAndOthersNone(mediaLanes: Int) throws {
        let (simulation, a, b, c) = try Self.call(mediaLanes: mediaLanes)
        b.receivedPackets.removeAll()
        c.receivedPackets.removeAll()
        // A numbers its packets from 40000 with a gap; B must see the bridge's own numbers.
        for (index, number) in [40_000, 40_001, 40_005, 40_006, 40_007].enumerated() {
            a.sendRTP(ssrc: a.audioSSRC, payloadType: 111, sequenceNumber: UInt16(700 + index),
                      extensionBlock: Self.extensions(transportSequence: UInt16(number)))
            simulation.deliver()
        }
        let atB = b.receivedPackets.compactMap(Self.transportSequence)
        #expect(atB.count == 5, "B got \(b.receivedPackets.count) packets, numbers \(atB)")
        #expect(zip(atB, atB.dropFirst()).allSatisfy { $1 == $0 &+ 1 }, "\(atB)")
        #expect(!atB.contains(40_000))
        // C did not negotiate transport-cc: the element is blanked, the audio level kept.
        #expect(c.receivedPackets.count == 5)
        #expect(c.receivedPackets.allSatisfy { Self.transportSequence(of: $0) == nil })
        #expect(c.receivedPackets.allSatisfy { Self.audioLevel(of: $0) == 0x2A })
    }

    @Test func feedbackBecomesAnEstimateTheReceiverIsTold() throws {
        let (simulation, a, b, _) = try Self.call()
        b.receivedPackets.removeAll()
        var arrivals: [RTCPTransportCC.Arrival] = []
        var arrival = Instant(nanoseconds: 5_000_000_000)
        for index in 0..<50 {
            a.sendRTP(ssrc: a.audioSSRC, payloadType: 111, sequenceNumber: UInt16(900 + index),
                      extensionBlock: Self.extensions(transportSequence: UInt16(index)))
            simulation.deliver()
            simulation.run(milliseconds: 20)
        }
        for packet in b.receivedPackets {
            guard let number = Self.transportSequence(of: packet) else { continue }
            arrivals.append(.init(sequenceNumber: number, arrival: arrival))
            arrival = arrival.adding(milliseconds: 20)
        }
        #expect(arrivals.count == 50)
        var buffer = [UInt8](repeating: 0, count: 1500)
        let length = try buffer.withUnsafeMutableBytes { bytes in
            try RTCPTransportCC.write(senderSSRC: b.videoSSRC, mediaSSRC: 0, feedbackPacketCount: 0, packets: arrivals, into: bytes).length
        }
        b.sendRTCP(Array(buffer[0..<length]))
        simulation.deliver()
        simulation.run(milliseconds: 100)
        let stats = SimulcastRewritingSimulationTests.messages(simulation, to: 2, class: "ConnectionStats")
        let estimate = try #require(stats.last?["estimatedDownlinkBandwidth"] as? Int)
        #expect(estimate > 0 && estimate <= 20_000_000)
        // A feedback-less receiver is told nothing (no estimate to tell).
        #expect(SimulcastRewritingSimulationTests.messages(simulation, to: 3, class: "ConnectionStats").isEmpty)
    }
}

@testable import Bridge
import CongestionControl
import Primitives
import RTP
import Testing

/// Transport-cc state is per receiver link: a link without transport-cc holds none, and one with
/// it holds what it is sent and told, not the worst case.
@Suite struct TransportCCMemoryTests {
    static func endpoint(_ simulation: BridgeSimulation, _ peer: SimulatedPeer) throws -> Endpoint {
        try #require(simulation.engine.conferences.values.flatMap(\.endpoints).first { $0.id == peer.name })
    }

    /// A and B negotiated transport-cc, C did not. A sends audio numbered for transport-cc; B
    /// reports on what it got every 100 ms, as a browser does.
    @Test func stateFollowsWhatEachEndpointUses() throws {
        let (simulation, a, b, c) = try DownlinkSimulationTests.call()
        b.receivedPackets.removeAll()
        var arrival = Instant(nanoseconds: 5_000_000_000)
        var reported = 0
        for round in 0..<10 {
            for index in 0..<5 {
                let number = UInt16(round * 5 + index)
                a.sendRTP(ssrc: a.audioSSRC, payloadType: 111, sequenceNumber: 900 &+ number,
                          extensionBlock: DownlinkSimulationTests.extensions(transportSequence: number))
                simulation.deliver()
                simulation.run(milliseconds: 20)
            }
            var arrivals: [RTCPTransportCC.Arrival] = []
            for packet in b.receivedPackets.dropFirst(reported) {
                guard let number = DownlinkSimulationTests.transportSequence(of: packet) else { continue }
                arrivals.append(.init(sequenceNumber: number, arrival: arrival))
                arrival = arrival.adding(milliseconds: 20)
            }
            reported = b.receivedPackets.count
            var buffer = [UInt8](repeating: 0, count: 1500)
            let length = try buffer.withUnsafeMutableBytes { bytes in
                try RTCPTransportCC.write(senderSSRC: b.videoSSRC, mediaSSRC: 0, feedbackPacketCount: UInt8(round), packets: arrivals, into: bytes).length
            }
            b.sendRTCP(Array(buffer[0..<length]))
            simulation.deliver()
        }
        let reporter = try Self.endpoint(simulation, b), plain = try Self.endpoint(simulation, c)
        // C's link has no transport-cc: nothing held.
        #expect(plain.receiver.downlink.allocatedBytes == 0)
        // B's link: the history of what was sent to it, still at its first size (feedback kept
        // up), and scratch for messages of 5 packets, not for 1,024.
        let scratch = reporter.receiver.downlink.allocatedBytes - Downlink.initialSentHistoryCapacity * SentPacketHistory.entryStride
        #expect(reporter.receiver.downlink.feedbackMessages == 10)
        #expect(scratch > 0 && scratch <= 1_024, "scratch \(scratch) B")
    }
}

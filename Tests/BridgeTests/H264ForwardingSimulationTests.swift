import Bridge
import Primitives
import RTP
import Testing

/// An H.264 camera (one encoding, no layers in the payload) through the engine: receivers, with
/// and without SSRC rewriting, start its stream at an IDR picture, never in the middle of a group
/// of pictures a decoder cannot use.
@Suite struct H264ForwardingSimulationTests {
    static let video: UInt32 = 8001
    static let h264: UInt8 = 126

    static let slice: [UInt8] = [0x41, 0x9A] + Array(repeating: 0x55, count: 300)
    /// An IDR slice in two FU-A fragments: start (S) and end (E).
    static let idrStart: [UInt8] = [0x7C, 0x85] + Array(repeating: 0x66, count: 900)
    static let idrEnd: [UInt8] = [0x7C, 0x45] + Array(repeating: 0x66, count: 400)

    /// The first two payload bytes of an RTP packet (FU indicator and header for an FU-A).
    static func payloadStart(_ packet: [UInt8]) -> [UInt8]? {
        packet.withUnsafeBytes { bytes in
            guard let header = try? RTPHeaderView(parsing: bytes), header.payloadLength >= 2 else { return nil }
            return [bytes[header.payloadOffset], bytes[header.payloadOffset + 1]]
        }
    }

    @Test func receiversStartAtAnIDRPicture() throws {
        let simulation = try BridgeSimulation()
        let sender = try SimulatedPeer(name: "S", address: ForwardingSimulationTests.address(2), ssrcBase: 8000)
        let rewriting = try SimulatedPeer(name: "R1", address: ForwardingSimulationTests.address(3), ssrcBase: 6000)
        let plain = try SimulatedPeer(name: "R2", address: ForwardingSimulationTests.address(4), ssrcBase: 7000)
        try simulation.join(sender, sourcesXML: BridgeSimulation.singleCameraXML("S", ssrc: Self.video))
        try simulation.join(rewriting, capabilities: ["ssrc-rewriting"])
        try simulation.join(plain)
        simulation.run(milliseconds: 3000)
        simulation.openBridgeChannels()
        for receiver in [rewriting, plain] {
            simulation.sendBridgeChannel(
                #"{"colibriClass":"ReceiverVideoConstraints","lastN":-1,"defaultConstraints":{"maxHeight":720}}"#, from: receiver)
        }
        var sequence: UInt16 = 100
        func send(_ payload: [UInt8], frame: UInt32) {
            sender.sendRTP(ssrc: Self.video, payloadType: Self.h264, sequenceNumber: sequence, payload: payload, timestamp: frame * 3000)
            sequence &+= 1
            simulation.deliver()
            simulation.run(milliseconds: 33)
        }
        func h264Packets(_ peer: SimulatedPeer) -> [[UInt8]] {
            peer.receivedPackets.filter { $0.count > 1 && $0[1] & 0x7F == Self.h264 }
        }

        for frame in 0..<3 { send(Self.slice, frame: UInt32(frame)) }  // the middle of a GOP
        #expect(h264Packets(rewriting).isEmpty && h264Packets(plain).isEmpty, "a stream must not start at a P slice")
        // Waiting for an IDR, the bridge asks the sender for one.
        #expect(sender.receivedRTCP.contains { SimulcastRewritingSimulationTests.isPLI($0, for: Self.video) })

        send(Self.idrStart, frame: 3)
        send(Self.idrEnd, frame: 3)
        for frame in 4..<7 { send(Self.slice, frame: UInt32(frame)) }
        for receiver in [rewriting, plain] {
            let received = h264Packets(receiver)
            #expect(received.count == 5, "\(receiver.name): the IDR's two fragments and three slices")
            #expect(received.first.map(Self.payloadStart) == [0x7C, 0x85], "\(receiver.name) starts at the IDR")
        }
        #expect(plain.receivedRTP[Self.video]?.count == 5, "a receiver without rewriting gets the sender's SSRC")
    }
}

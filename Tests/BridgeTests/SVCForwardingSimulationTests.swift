import AV1TestSupport
import Bridge
import Primitives
import RTP
import SRTP
import Testing

/// An AV1 L3T3_KEY camera (all spatial and temporal layers on one SSRC, told apart by the
/// dependency descriptor) through the engine, to receivers asking for 180p, 360p, 720p and 720p at
/// 15 fps: each gets its layers only, on a gapless stream, with the marker bit where its temporal
/// units end; a move up waits for a key frame, which the bridge asks for; broken descriptors are
/// dropped and counted.
@Suite struct SVCForwardingSimulationTests {
    static let video: UInt32 = 9001
    static let av1: UInt8 = 41
    static let dependencyDescriptorID: UInt8 = 11

    /// What a test payload says about itself: the layer frame and packet it is.
    struct Tag: Equatable {
        var spatial: Int
        var temporal: Int
        var frameNumber: UInt16
        var index: Int
        var count: Int
        var isLastOfFrame: Bool { index == count - 1 }
    }

    /// One AV1 packet as a receiver got it.
    struct Received {
        var ssrc: UInt32
        var sequence: UInt16
        var timestamp: UInt32
        var marker: Bool
        var tag: Tag
        /// The dependency descriptor's bytes, as forwarded.
        var descriptor: [UInt8]
    }

    /// The sending browser: libwebrtc's L3T3_KEY pattern, each layer frame in 2 (S0), 3 (S1) or
    /// 4 (S2) packets, the descriptor in a two-byte header extension (the structure makes it longer
    /// than a one-byte element holds), the marker on the last packet of the temporal unit's S2 frame.
    final class AV1Camera {
        let peer: SimulatedPeer
        var encoder: AV1EncoderPattern
        var sequence: UInt16 = 65_400
        var temporalUnits: UInt32 = 0
        /// Frame numbers of the key frames' layer frames.
        var keyFrameNumbers: Set<UInt16> = []

        init(_ peer: SimulatedPeer) throws {
            self.peer = peer
            encoder = try AV1EncoderPattern(mode: .l3t3Key, firstFrameNumber: 65_000)
        }

        /// Sends the next temporal unit, then lets 33 ms pass.
        func sendTemporalUnit(_ simulation: BridgeSimulation) throws {
            let frames = encoder.nextTemporalUnit()
            let timestamp = temporalUnits &* 3000
            temporalUnits += 1
            for (frameIndex, frame) in frames.enumerated() {
                if frame.isKeyFrame { keyFrameNumbers.insert(frame.frameNumber) }
                let descriptors = frame.packets(2 + frame.spatialID)
                for (index, descriptor) in descriptors.enumerated() {
                    let tag = Tag(
                        spatial: frame.spatialID, temporal: frame.temporalID, frameNumber: frame.frameNumber, index: index,
                        count: descriptors.count)
                    let endsUnit = frameIndex == frames.count - 1 && index == descriptors.count - 1
                    send(
                        try writeDD(descriptor, frame.structure), tag: tag, timestamp: timestamp, marker: endsUnit,
                        newSequence: frame.isKeyFrame && frameIndex == 0 && index == 0)
                }
            }
            simulation.deliver()
            simulation.run(milliseconds: 33)
        }

        func sendTemporalUnits(_ count: Int, _ simulation: BridgeSimulation) throws {
            for _ in 0..<count { try sendTemporalUnit(simulation) }
        }

        /// Sends one packet with `descriptor` as the dependency descriptor's bytes.
        func send(_ descriptor: [UInt8], tag: Tag, timestamp: UInt32, marker: Bool, newSequence: Bool = false) {
            // AV1 aggregation header (Z: continues a fragment, Y: continued, W = 1, N: new coded video
            // sequence), then the tag.
            let aggregation: UInt8 = (tag.index > 0 ? 0x80 : 0) | (tag.isLastOfFrame ? 0 : 0x40) | 0x10 | (newSequence ? 0x08 : 0)
            let payload: [UInt8] = [aggregation, 0xA1, UInt8(tag.spatial), UInt8(tag.temporal), UInt8(tag.frameNumber >> 8),
                UInt8(tag.frameNumber & 0xFF), UInt8(tag.index), UInt8(tag.count)] + Array(repeating: 0x5A, count: 120)
            var element = [SVCForwardingSimulationTests.dependencyDescriptorID, UInt8(descriptor.count)] + descriptor
            while element.count % 4 != 0 { element.append(0) }
            let ssrc = SVCForwardingSimulationTests.video
            var packet: [UInt8] = [0x90, (marker ? 0x80 : 0) | SVCForwardingSimulationTests.av1, UInt8(sequence >> 8), UInt8(sequence & 0xFF)]
            packet += [UInt8(timestamp >> 24), UInt8(timestamp >> 16 & 0xFF), UInt8(timestamp >> 8 & 0xFF), UInt8(timestamp & 0xFF)]
            packet += [UInt8(ssrc >> 24), UInt8(ssrc >> 16 & 0xFF), UInt8(ssrc >> 8 & 0xFF), UInt8(ssrc & 0xFF)]
            let words = element.count / 4
            packet += [0x10, 0x00, UInt8(words >> 8), UInt8(words & 0xFF)] + element + payload
            sequence &+= 1
            peer.sendPlainRTP(packet)
        }
    }

    /// S sends AV1; R180 and R720 rewrite SSRCs, R360 and R15 (720p at 15 fps) do not.
    struct Call {
        let simulation: BridgeSimulation
        let camera: AV1Camera
        let r180: SimulatedPeer
        let r360: SimulatedPeer
        let r720: SimulatedPeer
        let r15: SimulatedPeer

        init(mediaLanes: Int = 1) throws {
            simulation = try BridgeSimulation(mediaLanes: mediaLanes)
            let sender = try SimulatedPeer(name: "S", address: ForwardingSimulationTests.address(2), ssrcBase: 9000)
            r180 = try SimulatedPeer(name: "R180", address: ForwardingSimulationTests.address(3), ssrcBase: 6000)
            r360 = try SimulatedPeer(name: "R360", address: ForwardingSimulationTests.address(4), ssrcBase: 7000)
            r720 = try SimulatedPeer(name: "R720", address: ForwardingSimulationTests.address(5), ssrcBase: 8000)
            r15 = try SimulatedPeer(name: "R15", address: ForwardingSimulationTests.address(6), ssrcBase: 5000)
            try simulation.join(sender, sourcesXML: BridgeSimulation.singleCameraXML("S", ssrc: SVCForwardingSimulationTests.video))
            try simulation.join(r180, capabilities: ["ssrc-rewriting"])
            try simulation.join(r360)
            try simulation.join(r720, capabilities: ["ssrc-rewriting"])
            try simulation.join(r15)
            simulation.run(milliseconds: 3000)
            simulation.openBridgeChannels()
            camera = try AV1Camera(sender)
            constrain(r180, #"{"maxHeight":180}"#)
            constrain(r360, #"{"maxHeight":360}"#)
            constrain(r720, #"{"maxHeight":720}"#)
            constrain(r15, #"{"maxHeight":720,"maxFrameRate":15}"#)
        }

        func constrain(_ receiver: SimulatedPeer, _ constraints: String) {
            simulation.sendBridgeChannel(
                #"{"colibriClass":"ReceiverVideoConstraints","lastN":-1,"defaultConstraints":\#(constraints)}"#, from: receiver)
        }
    }

    /// The AV1 packets `peer` received, from its `from`-th packet on.
    static func av1Packets(_ peer: SimulatedPeer, from start: Int = 0) -> [Received] {
        peer.receivedPackets.dropFirst(start).compactMap { packet in
            packet.withUnsafeBytes { bytes -> Received? in
                guard let header = try? RTPHeaderView(parsing: bytes), header.payloadType == av1, header.payloadLength >= 8,
                    bytes[header.payloadOffset + 1] == 0xA1
                else { return nil }
                let p = header.payloadOffset + 2
                let tag = Tag(
                    spatial: Int(bytes[p]), temporal: Int(bytes[p + 1]), frameNumber: UInt16(bytes[p + 2]) << 8 | UInt16(bytes[p + 3]),
                    index: Int(bytes[p + 4]), count: Int(bytes[p + 5]))
                let descriptor = header.extensionElement(id: dependencyDescriptorID, in: bytes).map {
                    Array(bytes[$0.offset..<($0.offset + $0.length)])
                }
                return Received(
                    ssrc: header.ssrc, sequence: header.sequenceNumber, timestamp: header.timestamp, marker: bytes[1] & 0x80 != 0,
                    tag: tag, descriptor: descriptor ?? [])
            }
        }
    }

    /// The receiver's decoder reads the forwarded descriptors: the structure arrives with its first
    /// frame, and every packet's descriptor names the frame the packet is part of.
    static func checkDescriptors(_ packets: [Received], of receiver: SimulatedPeer) {
        var reader = AV1DependencyDescriptorReader()
        for packet in packets {
            let frame = packet.descriptor.withUnsafeBytes { try? reader.read($0) }
            #expect(frame?.frameNumber == packet.tag.frameNumber, "\(receiver.name): descriptor of frame \(packet.tag.frameNumber)")
            #expect(frame.map { Int($0.spatialID) } == packet.tag.spatial && frame?.isEndOfFrame == packet.tag.isLastOfFrame)
        }
        #expect(packets.first.map { $0.descriptor.count > 3 && $0.descriptor[3] & 0x80 != 0 } == true, "\(receiver.name): starts with the structure")
    }

    /// Packets grouped by temporal unit (RTP timestamp), in arrival order.
    static func temporalUnits(_ packets: [Received]) -> [[Received]] {
        var units: [[Received]] = []
        for packet in packets {
            if let last = units.last?.last, last.timestamp == packet.timestamp {
                units[units.count - 1].append(packet)
            } else {
                units.append([packet])
            }
        }
        return units
    }

    /// The stream-level rules every receiver's copy follows: one SSRC, gapless sequence numbers,
    /// whole layer frames, and per temporal unit the marker on the last packet of its highest
    /// layer frame only.
    static func checkStream(_ packets: [Received], of receiver: SimulatedPeer, allowedGaps: Int = 0) {
        #expect(Set(packets.map(\.ssrc)).count == 1, "\(receiver.name): one SSRC")
        let sequences = packets.map(\.sequence)
        let missing = zip(sequences, sequences.dropFirst()).map { Int($1 &- $0) - 1 }
        #expect(missing.allSatisfy { $0 >= 0 }, "\(receiver.name): in order")
        #expect(missing.reduce(0, +) == allowedGaps, "\(receiver.name): gaps \(missing.filter { $0 != 0 })")
        var frames: [UInt16: [Int]] = [:]
        for packet in packets { frames[packet.tag.frameNumber, default: []].append(packet.tag.index) }
        for packet in packets where packet.tag.index == 0 {
            #expect(frames[packet.tag.frameNumber] == Array(0..<packet.tag.count), "\(receiver.name): whole frame \(packet.tag.frameNumber)")
        }
        for unit in temporalUnits(packets) {
            let top = unit.map(\.tag.spatial).max()!
            let marked = unit.filter(\.marker)
            #expect(marked.count == 1 && unit.last!.marker, "\(receiver.name): one marker, at the end of the unit")
            #expect(unit.last!.tag.spatial == top && unit.last!.tag.isLastOfFrame, "\(receiver.name)")
        }
    }

    @Test(arguments: [1, 4]) func eachReceiverGetsItsLayersOnAGaplessStreamWithMarkers(mediaLanes: Int) throws {
        let call = try Call(mediaLanes: mediaLanes)
        try call.camera.sendTemporalUnits(90, call.simulation)
        let keys = call.camera.keyFrameNumbers
        #expect(call.camera.sequence < 1000, "the sender's sequence numbers wrapped")

        let r180 = Self.av1Packets(call.r180)
        #expect(!r180.isEmpty && r180.allSatisfy { $0.tag.spatial == 0 }, "180p: S0 only")
        Self.checkStream(r180, of: call.r180)

        let r360 = Self.av1Packets(call.r360)
        #expect(r360.contains { $0.tag.spatial == 1 } && r360.allSatisfy { $0.tag.spatial <= 1 }, "360p: S1, on S0's key frame")
        #expect(r360.filter { $0.tag.spatial == 0 }.allSatisfy { keys.contains($0.tag.frameNumber) })
        #expect(r360.first?.ssrc == Self.video, "a receiver without rewriting gets the sender's SSRC")
        Self.checkStream(r360, of: call.r360)

        let r720 = Self.av1Packets(call.r720)
        #expect(r720.contains { $0.tag.spatial == 2 && $0.tag.temporal == 2 })
        #expect(r720.filter { $0.tag.spatial < 2 }.allSatisfy { keys.contains($0.tag.frameNumber) }, "720p: S2, on the key frame")
        Self.checkStream(r720, of: call.r720)

        // Once a second of frame rates is measured, 15 fps is S2 up to T1: no T2 frames.
        let r15 = Self.av1Packets(call.r15)
        Self.checkStream(r15, of: call.r15)
        for (packets, receiver) in [(r180, call.r180), (r360, call.r360), (r720, call.r720), (r15, call.r15)] {
            Self.checkDescriptors(packets, of: receiver)
        }
        let settled = r15.filter { $0.timestamp &- r15[0].timestamp >= 70 * 3000 }
        #expect(!settled.isEmpty && settled.allSatisfy { $0.tag.temporal <= 1 && $0.tag.spatial == 2 }, "\(settled.map(\.tag))")
        #expect(settled.contains { $0.tag.temporal == 1 })
    }

    @Test func movingUpAsksForAKeyFrameAndSwitchesThere() throws {
        let call = try Call()
        try call.camera.sendTemporalUnits(40, call.simulation)
        let before = call.r180.receivedPackets.count
        call.camera.peer.receivedRTCP.removeAll()
        call.constrain(call.r180, #"{"maxHeight":720}"#)
        call.simulation.run(milliseconds: 10)
        #expect(
            call.camera.peer.receivedRTCP.contains { SimulcastRewritingSimulationTests.isPLI($0, for: Self.video) },
            "L3T3_KEY has no switch point into S2 but its key frame: the bridge asks at once")

        try call.camera.sendTemporalUnits(9, call.simulation)
        let waiting = Self.av1Packets(call.r180, from: before)
        #expect(!waiting.isEmpty && waiting.allSatisfy { $0.tag.spatial == 0 }, "S0 until the key frame")

        call.camera.encoder.requestKeyFrame()
        try call.camera.sendTemporalUnits(8, call.simulation)
        let after = Self.av1Packets(call.r180, from: before).dropFirst(waiting.count)
        let units = Self.temporalUnits(Array(after))
        #expect(units.first.map { Set($0.map(\.tag.spatial)) } == [0, 1, 2], "the key frame's three layers")
        #expect(units.dropFirst().allSatisfy { $0.allSatisfy { $0.tag.spatial == 2 } })
        #expect(units.count == 8)
        Self.checkStream(Self.av1Packets(call.r180), of: call.r180)
    }

    @Test func brokenDescriptorsAreDroppedAndCountedWithoutDisturbingTheStream() throws {
        let call = try Call()
        let camera = call.camera
        try camera.sendTemporalUnits(20, call.simulation)
        let counts = [call.r180, call.r360, call.r720].map { Self.av1Packets($0).count }

        // A key frame's first packet whose descriptor was cut inside its structure.
        var keyEncoder = camera.encoder
        keyEncoder.requestKeyFrame()
        let key = keyEncoder.nextTemporalUnit()[0]
        let whole = try writeDD(key.packets(2)[0], key.structure)
        let bad = Tag(spatial: 0, temporal: 0, frameNumber: 1, index: 0, count: 1)
        camera.send(Array(whole.prefix(whole.count / 2)), tag: bad, timestamp: camera.temporalUnits &* 3000, marker: false)
        // A descriptor naming a template the structure does not have (as after a lost new structure).
        let unknownTemplate: [UInt8] = [0xC0 | 50, 0x12, 0x34]
        camera.send(unknownTemplate, tag: bad, timestamp: camera.temporalUnits &* 3000, marker: true)
        call.simulation.deliver()

        let drops = call.simulation.engine.statistics().drops
        #expect(drops["malformed_dependency_descriptor"] == 1)
        #expect(drops["unknown_dependency_structure"] == 1)
        try camera.sendTemporalUnits(20, call.simulation)
        for (receiver, count) in zip([call.r180, call.r360, call.r720], counts) {
            let packets = Self.av1Packets(receiver)
            #expect(!packets.contains { $0.tag == bad }, "\(receiver.name)")
            #expect(packets.count > count, "\(receiver.name) keeps receiving")
            // To a receiver the two dropped packets are losses before the bridge: it may NACK them.
            Self.checkStream(packets, of: receiver, allowedGaps: 2)
        }
        #expect(Self.av1Packets(call.r720).dropFirst(counts[2]).contains { $0.tag.spatial == 2 })
    }
}

extension SimulatedPeer {
    /// Sends one plain RTP packet, as built, through SRTP.
    func sendPlainRTP(_ plain: [UInt8]) {
        guard let outbound, let destination = bridgeAddress else { return }
        transmit.append(to: destination) { slot in
            plain.withUnsafeBytes { slot.baseAddress!.copyMemory(from: $0.baseAddress!, byteCount: plain.count) }
            return (try? outbound.protectRTP(slot.baseAddress!, length: plain.count, capacity: slot.count)) ?? 0
        }
    }
}

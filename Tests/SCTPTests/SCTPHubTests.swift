import Synchronization
import Testing
@testable import SCTP

/// End-to-end through usrsctp. Serialized: one hub may run per process at a time.
@Suite(.serialized) struct SCTPHubTests {
    typealias Harness = BackToBackHub

    @Test func associationComesUpAndChannelOpensBothWays() async {
        let wire = Harness()
        defer { wire.shutdown() }
        #expect(await wire.connectWithChannel())
        #expect(await wire.wait(for: .channelOpened(Harness.b, streamID: 0, label: Harness.label, protocol: Harness.proto)))
        #expect(wire.events.contains(.associationUp(Harness.a)))
        #expect(wire.events.contains(.associationUp(Harness.b)))
        #expect(wire.hub.counters == SCTPCounters())
    }

    @Test func textFlowsBothWaysWithPPID51() async throws {
        let wire = Harness()
        defer { wire.shutdown() }
        try #require(await wire.connectWithChannel())
        let large = String((0..<102_400).map { Character(UnicodeScalar(UInt8(0x41 + $0 % 26))) })
        wire.hub.send(Harness.a, text: #"{"colibriClass":"EndpointStats"}"#)
        wire.hub.send(Harness.a, text: large)
        wire.hub.send(Harness.b, text: "from bridge")
        wire.hub.send(Harness.b, text: large)
        wire.hub.send(Harness.b, text: "")
        #expect(await wire.wait { _ in wire.messages(to: Harness.b).count == 2 && wire.messages(to: Harness.a).count == 3 })
        let toB = wire.messages(to: Harness.b)
        let toA = wire.messages(to: Harness.a)
        #expect(toB.map(\.ppid) == [51, 51])
        #expect(toB.first?.bytes == Array(#"{"colibriClass":"EndpointStats"}"#.utf8))
        #expect(toB.last?.bytes == Array(large.utf8))
        #expect(toA.map(\.ppid) == [51, 51, 56])
        #expect(toA.first?.bytes == Array("from bridge".utf8))
        #expect(toA[1].bytes.count == 102_400 && toA[1].bytes == Array(large.utf8))
        #expect(toA.last?.bytes == [])
    }

    @Test func messagesSentBeforeTheChannelOpensAreQueued() async {
        let wire = Harness()
        defer { wire.shutdown() }
        wire.hub.openServer(Harness.b)
        wire.hub.openClient(Harness.a)
        wire.hub.send(Harness.a, text: "early")
        wire.hub.send(Harness.a, binary: [1, 2, 3])
        wire.hub.openChannel(Harness.a, label: Harness.label, protocol: Harness.proto)
        #expect(await wire.wait { _ in wire.messages(to: Harness.b).count == 2 })
        #expect(wire.messages(to: Harness.b).map(\.ppid) == [51, 53])
        #expect(wire.messages(to: Harness.b).last?.bytes == [1, 2, 3])
    }

    @Test func closeTearsDownBothEnds() async throws {
        let wire = Harness()
        defer { wire.shutdown() }
        try #require(await wire.connectWithChannel())
        wire.hub.close(Harness.a)
        #expect(await wire.wait(for: .associationClosed(Harness.a)))
        #expect(await wire.wait(for: .associationClosed(Harness.b)))
        wire.hub.send(Harness.b, text: "after close")
        #expect(await wire.wait { _ in wire.hub.counters.droppedMessages == 1 })
    }

    @Test func shutdownClosesEverything() async throws {
        let wire = Harness()
        try #require(await wire.connectWithChannel())
        wire.shutdown()
        #expect(wire.events.contains(.associationClosed(Harness.a)))
        #expect(wire.events.contains(.associationClosed(Harness.b)))
    }

    @Test func garbageIsCountedAndHarmless() async throws {
        let wire = Harness()
        defer { wire.shutdown() }
        try #require(await wire.connectWithChannel())
        var generator = SystemRandomNumberGenerator()
        for index in 0..<300 {
            var packet = (0..<Int.random(in: 0..<1500, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }
            if index % 2 == 0 && packet.count >= 16 {
                // Right ports and a well-formed chunk, wrong CRC: passes the walk, fails the checksum.
                packet.replaceSubrange(0..<4, with: [0x13, 0x88, 0x13, 0x88])
                packet.replaceSubrange(12..<16, with: [0x00, 0x00, UInt8(truncatingIfNeeded: (packet.count - 12) >> 8),
                                                      UInt8(truncatingIfNeeded: packet.count - 12)])
            }
            wire.hub.handleInbound(Harness.b, packet: packet)
        }
        wire.hub.handleInbound(SCTPAssociationID(rawValue: 99), packet: [0x13, 0x88])
        // The loop thread counts the last packet after the 300th, so wait for both counts.
        #expect(await wire.wait { _ in
            wire.hub.counters.malformedPackets == 300 && wire.hub.counters.unknownAssociationPackets == 1
        })
        #expect(wire.hub.counters.malformedPackets == 300)
        wire.hub.send(Harness.a, text: "still alive")
        #expect(await wire.wait { _ in wire.messages(to: Harness.b).count == 1 })
    }

    @Test func realPacketsPassTheChecksum() async throws {
        let wire = Harness()
        defer { wire.shutdown() }
        try #require(await wire.connectWithChannel())
        let packets = wire.packetsFromB.withLock { $0 }
        #expect(packets.count >= 2)
        for var packet in packets {
            #expect(throws: Never.self) { try SCTPPacketCheck.validate(&packet) }
            let crc = SCTPPacketCheckTests.crc32c(Array(packet[..<8]) + [0, 0, 0, 0] + Array(packet[12...]))
            #expect(Array(packet[8..<12]) == (0..<4).map { UInt8(truncatingIfNeeded: crc >> (8 * $0)) })
        }
    }

    @Test func malformedDCEPIsCountedNotFatal() async throws {
        let wire = Harness()
        defer { wire.shutdown() }
        try #require(await wire.connectWithChannel())
        try #require(await wire.wait(for: .channelOpened(Harness.b, streamID: 0, label: Harness.label, protocol: Harness.proto)))
        let core = try #require(wire.hub.core)
        core.enqueue(.send(Harness.a, ppid: SCTPPayloadProtocol.dcep, bytes: [0x03, 0x00, 0x00]))
        core.enqueue(.send(Harness.a, ppid: SCTPPayloadProtocol.dcep, bytes: [0x07]))
        wire.hub.send(Harness.a, text: "next")
        #expect(await wire.wait { _ in wire.messages(to: Harness.b).count == 1 })
        #expect(wire.hub.counters.malformedDCEPMessages == 2)
    }

    @Test func oversizedSendIsDropped() async throws {
        let wire = Harness()
        defer { wire.shutdown() }
        try #require(await wire.connectWithChannel())
        wire.hub.send(Harness.a, binary: [UInt8](repeating: 7, count: 262_145))
        wire.hub.send(Harness.a, binary: [UInt8](repeating: 7, count: 262_144))
        #expect(await wire.wait { _ in wire.messages(to: Harness.b).count == 1 })
        #expect(wire.messages(to: Harness.b).first?.bytes.count == 262_144)
        #expect(wire.hub.counters.droppedMessages == 1)
    }

    @Test func closingAChannelResetsTheStreamOnBothEnds() async throws {
        let wire = Harness()
        defer { wire.shutdown() }
        try #require(await wire.connectWithChannel())
        wire.hub.closeChannel(Harness.a, streamID: 0)
        #expect(await wire.wait(for: .channelClosed(Harness.b, streamID: 0)))
        #expect(wire.events.contains(.channelClosed(Harness.a, streamID: 0)))
        wire.hub.send(Harness.b, text: "queued until a channel opens")
        wire.hub.openChannel(Harness.a, label: "second", protocol: "")
        #expect(await wire.wait(for: .channelOpened(Harness.b, streamID: 2, label: "second", protocol: "")))
        #expect(await wire.wait { _ in wire.messages(to: Harness.a).count == 1 })
        #expect(wire.events.filter { $0 == .channelClosed(Harness.a, streamID: 0) }.count == 1)
    }

    /// 2 MiB in 256 KiB messages overruns usrsctp's 256 KiB send buffer: exercises partial
    /// writes under SCTP_EXPLICIT_EOR, EWOULDBLOCK, and resumption on the SACK-driven drain.
    @Test func backpressureResumesAndKeepsOrder() async throws {
        let wire = Harness()
        defer { wire.shutdown() }
        try #require(await wire.connectWithChannel())
        let count = 8
        for index in 0..<count {
            wire.hub.send(Harness.a, binary: [UInt8](repeating: UInt8(index), count: 262_144))
        }
        #expect(await wire.wait(seconds: 20) { _ in wire.messages(to: Harness.b).count == count })
        let received = wire.messages(to: Harness.b)
        #expect(received.map { $0.bytes.first } == (0..<count).map { UInt8($0) })
        #expect(received.allSatisfy { $0.bytes.count == 262_144 && Set($0.bytes).count == 1 })
        #expect(wire.hub.counters == SCTPCounters())
    }

    /// Messages queued while no channel is open pile up to the 4 MiB per-association limit;
    /// beyond it they are dropped and counted, and the kept ones arrive in order once it opens.
    @Test func queueBeyondTheLimitIsDroppedAndCounted() async throws {
        let wire = Harness()
        defer { wire.shutdown() }
        wire.hub.openServer(Harness.b)
        wire.hub.openClient(Harness.a)
        try #require(await wire.wait(for: .associationUp(Harness.a)))
        for index in 0..<21 { wire.hub.send(Harness.a, binary: [UInt8](repeating: UInt8(index), count: 262_144)) }
        #expect(await wire.wait { _ in wire.hub.counters.droppedMessages == 5 })
        wire.hub.openChannel(Harness.a, label: Harness.label, protocol: Harness.proto)
        #expect(await wire.wait(seconds: 20) { _ in wire.messages(to: Harness.b).count == 16 })
        #expect(wire.messages(to: Harness.b).map { $0.bytes.first } == (0..<16).map { UInt8($0) })
    }
}

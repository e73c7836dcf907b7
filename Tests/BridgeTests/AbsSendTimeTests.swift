@testable import Bridge
import Foundation
import Primitives
import RTP
import Testing

/// Header extensions are per hop: every packet to a receiver that negotiated abs-send-time carries
/// the time the bridge sent it, under the receiver's id; the sender's time never gets through.
@Suite struct AbsSendTimeTests {
    static let senderID: UInt8 = 3
    static let receiverID: UInt8 = 2
    static let senderTime: [UInt8] = [0x12, 0x34, 0x56]

    /// The simulation's media with abs-send-time negotiated under `id` (audio and video).
    static func mediaXML(absSendTimeID id: UInt8) -> String {
        let mid = #"<rtp-hdrext xmlns="urn:xmpp:jingle:apps:rtp:rtp-hdrext:0" id="10" uri="urn:ietf:params:rtp-hdrext:sdes:mid"/>"#
        let absSendTime = #"<rtp-hdrext xmlns="urn:xmpp:jingle:apps:rtp:rtp-hdrext:0" id="\#(id)" uri="\#(RTPHeaderExtensionURI.absSendTime)"/>"#
        return BridgeSimulation.mediaXML.replacingOccurrences(of: mid, with: mid + absSendTime)
    }

    /// MID, audio level and the sender's abs-send-time (id 3), one-byte form.
    static let extensions: [UInt8] = [0xBE, 0xDE, 0x00, 0x03, 0xA1, 0x61, 0x30, 0x10, 0x2A, 0x32] + senderTime + [0x00, 0x00, 0x00]

    /// A sends with abs-send-time under id 3, B negotiated it under id 2, C did not.
    static func call() throws -> (BridgeSimulation, SimulatedPeer, SimulatedPeer, SimulatedPeer) {
        let simulation = try BridgeSimulation()
        let a = try SimulatedPeer(name: "A", address: ForwardingSimulationTests.address(2), ssrcBase: 2000)
        let b = try SimulatedPeer(name: "B", address: ForwardingSimulationTests.address(3), ssrcBase: 3000)
        let c = try SimulatedPeer(name: "C", address: ForwardingSimulationTests.address(4), ssrcBase: 4000)
        try simulation.join(a, mediaXML: mediaXML(absSendTimeID: senderID))
        try simulation.join(b, mediaXML: mediaXML(absSendTimeID: receiverID))
        try simulation.join(c)
        simulation.run(milliseconds: 3000)
        return (simulation, a, b, c)
    }

    /// The 24-bit value as the spec defines it: (seconds × 2^18) mod 2^24.
    static func expectedValue(at instant: Instant) -> UInt32 {
        UInt32(truncatingIfNeeded: (instant.nanoseconds << 18) / 1_000_000_000) & 0xFF_FFFF
    }

    static func absSendTime(of packet: [UInt8], id: UInt8) -> UInt32? {
        packet.withUnsafeBytes { bytes in
            guard let header = try? RTPHeaderView(parsing: bytes), let element = header.extensionElement(id: id, in: bytes),
                element.length == 3
            else { return nil }
            return UInt32(bytes[element.offset]) << 16 | UInt32(bytes[element.offset + 1]) << 8 | UInt32(bytes[element.offset + 2])
        }
    }

    @Test func valueIsSixPointEighteenSecondsWrappingEvery64Seconds() {
        #expect(AbsoluteSendTime.value(at: .zero) == 0)
        #expect(AbsoluteSendTime.value(at: Instant(nanoseconds: 1_500_000_000)) == 0x06_0000)
        #expect(AbsoluteSendTime.value(at: Instant(nanoseconds: 64_000_000_000)) == 0)
        #expect(AbsoluteSendTime.value(at: Instant(nanoseconds: 65_500_000_000)) == 0x06_0000)
        #expect(AbsoluteSendTime.value(at: Instant(nanoseconds: 63_999_999_999)) == 0xFF_FFFF)
        // One unit is 2^-18 s, about 3.8 µs.
        #expect(AbsoluteSendTime.value(at: Instant(nanoseconds: 3_814)) == 0)
        #expect(AbsoluteSendTime.value(at: Instant(nanoseconds: 3_815)) == 1)
        // Days of uptime neither overflow nor lose the fraction.
        let days = Instant(nanoseconds: (30 * 86_400 + 5) * 1_000_000_000 + 250_000_000)
        #expect(AbsoluteSendTime.value(at: days) == 0x15_0000)
        for nanoseconds: UInt64 in [1, 999_999_999, 4_123_456_789, 17_000_000_001] {
            #expect(AbsoluteSendTime.value(at: Instant(nanoseconds: nanoseconds)) == Self.expectedValue(at: Instant(nanoseconds: nanoseconds)))
        }
    }

    @Test func receiverGetsTheBridgesSendTimeUnderItsOwnID() throws {
        let (simulation, a, b, _) = try Self.call()
        b.receivedPackets.removeAll()
        for index in 0..<3 {
            a.sendRTP(ssrc: a.audioSSRC, payloadType: 111, sequenceNumber: UInt16(700 + index), extensionBlock: Self.extensions)
            a.sendRTP(ssrc: a.videoSSRC, payloadType: 100, sequenceNumber: UInt16(500 + index), extensionBlock: Self.extensions)
            simulation.deliver()
            let sentAt = Self.expectedValue(at: simulation.now)
            let media = b.receivedPackets.filter { Self.ssrc(of: $0) == a.audioSSRC || Self.ssrc(of: $0) == a.videoSSRC }
            #expect(media.count == 2, "B got \(b.receivedPackets.count) packets")
            for packet in media {
                #expect(Self.absSendTime(of: packet, id: Self.receiverID) == sentAt)
                #expect(Self.absSendTime(of: packet, id: Self.senderID) == nil)
                #expect(DownlinkSimulationTests.audioLevel(of: packet) == 0x2A)
            }
            b.receivedPackets.removeAll()
            simulation.run(milliseconds: 37)
        }
    }

    @Test func receiverWithoutItGetsTheElementBlankedToPadding() throws {
        let (simulation, a, _, c) = try Self.call()
        c.receivedPackets.removeAll()
        a.sendRTP(ssrc: a.audioSSRC, payloadType: 111, sequenceNumber: 700, extensionBlock: Self.extensions)
        a.sendRTP(ssrc: a.videoSSRC, payloadType: 100, sequenceNumber: 500, extensionBlock: Self.extensions)
        simulation.deliver()
        let media = c.receivedPackets.filter { Self.ssrc(of: $0) == a.audioSSRC || Self.ssrc(of: $0) == a.videoSSRC }
        #expect(media.count == 2, "C got \(c.receivedPackets.count) packets")
        for packet in media {
            try packet.withUnsafeBytes { bytes in
                let header = try RTPHeaderView(parsing: bytes)
                let level = try #require(header.extensionElement(id: 1, in: bytes))
                #expect(bytes[level.offset] == 0x2A)
                // Everything in the block but the level element is RFC 8285 padding.
                let block = header.extensionOffset..<header.headerLength
                let levelElement = (level.offset - 1)..<(level.offset + level.length)
                #expect(block.filter { !levelElement.contains($0) }.allSatisfy { bytes[$0] == 0 })
                var elements = RTPHeaderExtensionIterator(view: header, packet: bytes)
                var ids: [UInt8] = []
                while let element = try elements.nextElement() { ids.append(element.id) }
                #expect(ids == [1])
            }
        }
    }

    @Test func retransmissionCarriesTheTimeItIsResent() throws {
        let (simulation, a, b, _) = try Self.call()
        b.receivedPackets.removeAll()
        for seq in UInt16(500)...505 {
            a.sendRTP(ssrc: a.videoSSRC, payloadType: 100, sequenceNumber: seq, extensionBlock: Self.extensions)
        }
        simulation.deliver()
        let firstSentAt = Self.expectedValue(at: simulation.now)
        let original = try #require(b.receivedPackets.first { Self.ssrc(of: $0) == a.videoSSRC && Self.sequenceNumber(of: $0) == 502 })
        #expect(Self.absSendTime(of: original, id: Self.receiverID) == firstSentAt)
        simulation.run(milliseconds: 120)
        b.receivedPackets.removeAll()
        // Generic NACK (RFC 4585 §6.2.1) for sequence 502 of A's video.
        b.sendRTCP([0x81, 205, 0, 3] + FeedbackSimulationTests.bigEndian(b.videoSSRC) + FeedbackSimulationTests.bigEndian(a.videoSSRC)
                   + [0x01, 0xF6, 0, 0])
        simulation.deliver()
        let resentAt = Self.expectedValue(at: simulation.now)
        let retransmission = try #require(b.receivedPackets.first { Self.ssrc(of: $0) == a.videoRTXSSRC })
        #expect(resentAt != firstSentAt)
        #expect(Self.absSendTime(of: retransmission, id: Self.receiverID) == resentAt)
        #expect(Self.absSendTime(of: retransmission, id: Self.senderID) == nil)
    }

    /// The writer's one stamping helper in the two-byte form: a value under the receiver's id,
    /// and an element the receiver did not negotiate blanked, element headers included.
    @Test func writerStampsAndBlanksTwoByteElements() throws {
        // Header, then a two-byte block: abs-send-time (id 3, data at 18), transport-wide number
        // (id 5, data at 23), three bytes of padding; then the payload.
        let packet: [UInt8] = [0x90, 111, 0x01, 0x00, 0, 0, 0x10, 0, 0, 0, 0x0B, 0xB8]
            + [0x10, 0x00, 0x00, 0x03, 0x03, 0x03, 0x12, 0x34, 0x56, 0x05, 0x02, 0x9C, 0x40, 0, 0, 0]
            + [UInt8](repeating: 0xAB, count: 20)
        var rewrite = OutgoingRewrite(ssrc: 3000, sequenceNumber: 256, timestamp: 0x1000)
        rewrite.absSendTimeOffset = 18
        rewrite.absSendTimeID = 7
        rewrite.absSendTime = 0xAB_CDEF
        rewrite.transportSequenceOffset = 23
        var slot = [UInt8](repeating: 0xFF, count: 1500)
        let length = try packet.withUnsafeBytes { source in
            let header = try RTPHeaderView(parsing: source)
            return slot.withUnsafeMutableBytes { bytes in
                ForwardedPacketWriter.write(source, header: header, vp8: nil, rewrite: rewrite, into: bytes)
            }
        }
        #expect(length == packet.count)
        let written = Array(slot[0..<length])
        #expect(Array(written[16..<28]) == [0x07, 0x03, 0xAB, 0xCD, 0xEF, 0, 0, 0, 0, 0, 0, 0])
        #expect(Self.absSendTime(of: written, id: 7) == 0xAB_CDEF)
        #expect(Array(written[28...]) == Array(packet[28...]))
    }

    static func ssrc(of packet: [UInt8]) -> UInt32? {
        packet.withUnsafeBytes { (try? RTPHeaderView(parsing: $0))?.ssrc }
    }

    static func sequenceNumber(of packet: [UInt8]) -> UInt16? {
        packet.withUnsafeBytes { (try? RTPHeaderView(parsing: $0))?.sequenceNumber }
    }
}

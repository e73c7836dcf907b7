import Testing
@testable import RTP

@Suite struct RTCPCompoundIteratorTests {
    static let compound = RFC3550Tests.receiverReport + RFC3550Tests.sourceDescription + RFC4585Tests.nack
        + RFC4585Tests.pli + RFC5104Tests.fir + RTCPREMBTests.remb + RTCPTransportCCTests.example
        + hex("81 CF 00 01 00 00 00 01")  // XR: passed through as .other

    func kinds(_ bytes: [UInt8]) throws -> [String] {
        try withBytes(bytes) { datagram in
            var packets = RTCPCompoundIterator(datagram)
            var kinds: [String] = []
            while let packet = try packets.next() {
                switch packet {
                case .senderReport: kinds.append("sr")
                case .receiverReport: kinds.append("rr")
                case .sourceDescription: kinds.append("sdes")
                case .bye: kinds.append("bye")
                case .nack: kinds.append("nack")
                case .transportCC: kinds.append("tcc")
                case .pli: kinds.append("pli")
                case .fir: kinds.append("fir")
                case .remb: kinds.append("remb")
                case .other(let header, let bytes):
                    kinds.append("other\(header.packetType)")
                    #expect(bytes.count == header.length)
                }
            }
            return kinds
        }
    }

    @Test func yieldsEveryPacketInOrder() throws {
        #expect(try kinds(Self.compound) == ["rr", "sdes", "nack", "pli", "fir", "remb", "tcc", "other207"])
        #expect(try kinds(RFC3550Tests.senderReport + RFC3550Tests.bye) == ["sr", "bye"])
        #expect(try kinds([]) == [])
    }

    @Test func paddedLastPacketIsAccepted() throws {
        var bytes = RFC3550Tests.bye + hex("00 00 00 04")
        bytes[0] |= 0x20
        bytes[3] = 4
        #expect(try kinds(bytes) == ["bye"])
    }

    @Test func truncatedCompoundEndsWithATypedError() {
        forEachTruncation(of: Self.compound) { bytes, _ in
            var packets = RTCPCompoundIterator(bytes)
            do {
                while try packets.next() != nil {}
                // A cut on a packet boundary is a shorter valid compound; every other cut must throw.
                #expect(packets.offset == bytes.count)
            } catch {
                #expect((try? packets.next()) == nil)
            }
        }
    }

    @Test func randomBytesNeverTrap() {
        var generator = SeededGenerator(seed: 3550)
        for _ in 0..<20_000 {
            var bytes = (0..<Int.random(in: 0...80, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }
            if bytes.count >= 4 {
                bytes[0] = 0x80 | (bytes[0] & 0x3F)
                bytes[1] = UInt8.random(in: 200...207, using: &generator)
                bytes[2] = 0
                bytes[3] = UInt8(bytes.count / 4 - 1)
            }
            withBytes(bytes) { datagram in
                var packets = RTCPCompoundIterator(datagram)
                while let packet = try? packets.next() {
                    switch packet {
                    case .sourceDescription(let sdes): _ = Array(sdes)
                    case .nack(let nack): _ = Array(nack)
                    case .transportCC(let tcc): _ = Array(tcc)
                    default: break
                    }
                }
            }
        }
    }
}

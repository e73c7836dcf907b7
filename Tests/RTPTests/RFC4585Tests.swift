import Testing
@testable import RTP

/// Generic NACK and PLI from RFC 4585 §6.2.1 and §6.3.1.
@Suite struct RFC4585Tests {
    /// Lost 100, 101, 105, 116 (one entry: PID 100, BLP bits 0, 4, 15) and 117 (a second entry).
    static let nack = hex("81 CD 00 04  00 00 00 01  00 00 00 02  00 64 80 11  00 75 00 00")

    @Test func nackMatchesFigure() throws {
        try withBytes(Self.nack) { bytes in
            let nack = try RTCPGenericNACK(parsing: bytes)
            #expect(nack.senderSSRC == 1 && nack.mediaSSRC == 2 && nack.pairCount == 2)
            #expect(nack.pair(0)! == (0x64, 0x8011))
            #expect(Array(nack) == [100, 101, 105, 116, 117])
        }
        let built = try written { try RTCPGenericNACK.write(senderSSRC: 1, mediaSSRC: 2, lost: [100, 101, 105, 116, 117], into: $0) }
        #expect(built == Self.nack)
    }

    @Test func nackAcrossTheWrap() throws {
        let built = try written { try RTCPGenericNACK.write(senderSSRC: 1, mediaSSRC: 2, lost: [65534, 65535, 0, 1, 1], into: $0) }
        #expect(built.suffix(4) == hex("FF FE 00 07"))
        #expect(try withBytes(built) { try Array(RTCPGenericNACK(parsing: $0)) } == [65534, 65535, 0, 1])
    }

    @Test func nackRoundTripProperty() throws {
        var generator = SeededGenerator(seed: 4585)
        for _ in 0..<500 {
            var sequence = UInt16.random(in: 0...UInt16.max, using: &generator)
            var lost: [UInt16] = []
            for _ in 0..<Int.random(in: 1...60, using: &generator) {
                lost.append(sequence)
                sequence &+= UInt16.random(in: 1...40, using: &generator)
            }
            let built = try written { try RTCPGenericNACK.write(senderSSRC: 9, mediaSSRC: 8, lost: lost, into: $0) }
            #expect(try withBytes(built) { try Array(RTCPGenericNACK(parsing: $0)) } == lost)
        }
    }

    @Test func malformedNACK() {
        #expect(throws: RTCPParseError.badCount) { try withBytes(hex("81 CD 00 02 00 00 00 01 00 00 00 02")) { try RTCPGenericNACK(parsing: $0) } }
        #expect(throws: RTCPParseError.unexpectedType) { try withBytes(Self.pli) { try RTCPGenericNACK(parsing: $0) } }
        #expect(throws: RTPBuildError.valueOutOfRange) { _ = try written { try RTCPGenericNACK.write(senderSSRC: 1, mediaSSRC: 2, lost: [], into: $0) } }
        forEachTruncation(of: Self.nack) { bytes, _ in
            #expect(throws: RTCPParseError.self) { try RTCPGenericNACK(parsing: bytes) }
        }
    }

    static let pli = hex("81 CE 00 02  00 00 00 01  00 00 00 02")

    @Test func pliMatchesFigure() throws {
        #expect(try withBytes(Self.pli) { try RTCPPictureLossIndication(parsing: $0) } == RTCPPictureLossIndication(senderSSRC: 1, mediaSSRC: 2))
        #expect(try written { try RTCPPictureLossIndication(senderSSRC: 1, mediaSSRC: 2).write(into: $0) } == Self.pli)
        forEachTruncation(of: Self.pli) { bytes, _ in
            #expect(throws: RTCPParseError.self) { try RTCPPictureLossIndication(parsing: bytes) }
        }
    }
}

import Testing
@testable import RTP

/// REMB from draft-alvestrand-rmcat-remb-03 §2.2.
@Suite struct RTCPREMBTests {
    /// 1 Mbit/s (exponent 2, mantissa 250000) for SSRCs 10 and 11.
    static let remb = hex("8F CE 00 06  00 00 00 01  00 00 00 00  52 45 4D 42  02 0B D0 90  00 00 00 0A  00 00 00 0B")

    @Test func rembMatchesFigure() throws {
        try withBytes(Self.remb) { bytes in
            #expect(RTCPREMB.matches(bytes))
            let remb = try RTCPREMB(parsing: bytes)
            #expect(remb.senderSSRC == 1 && remb.exponent == 2 && remb.mantissa == 250_000 && remb.bitrate == 1_000_000)
            #expect(remb.ssrcCount == 2 && remb.ssrc(0) == 10 && remb.ssrc(1) == 11 && remb.ssrc(2) == nil)
        }
        #expect(try written { try RTCPREMB.write(senderSSRC: 1, bitrate: 1_000_000, ssrcs: [10, 11], into: $0) } == Self.remb)
    }

    @Test func bitrateEncodingKeeps18SignificantBits() {
        var generator = SeededGenerator(seed: 0xBEEF)
        for _ in 0..<1000 {
            let bitrate = UInt64.random(in: 0...10_000_000_000, using: &generator)
            let (exponent, mantissa) = RTCPREMB.encode(bitrate: bitrate)
            #expect(mantissa < 1 << 18)
            let decoded = UInt64(mantissa) << exponent
            #expect(decoded <= bitrate && bitrate - decoded < 1 << exponent)
        }
    }

    @Test func malformedREMB() {
        var wrongID = Self.remb
        wrongID[12] = 0x58
        #expect(throws: RTCPParseError.badIdentifier) { try withBytes(wrongID) { try RTCPREMB(parsing: $0) } }
        var tooMany = Self.remb
        tooMany[16] = 3
        #expect(throws: RTCPParseError.badCount) { try withBytes(tooMany) { try RTCPREMB(parsing: $0) } }
        forEachTruncation(of: Self.remb) { bytes, _ in
            #expect(throws: RTCPParseError.self) { try RTCPREMB(parsing: bytes) }
        }
        withBytes(wrongID) { bytes in
            guard case .other = try? RTCPPacket(parsing: bytes) else {
                Issue.record("an ALFB packet without REMB should be .other")
                return
            }
        }
    }
}

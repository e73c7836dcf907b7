import Testing
@testable import RTP

/// Sender/receiver reports, SDES and BYE built by hand from the RFC 3550 §6.4–6.6 figures.
@Suite struct RFC3550Tests {
    static let block = RTCPReportBlock(
        ssrc: 0x0102_0304, fractionLost: 0x40, cumulativeLost: -2, extendedHighestSequenceNumber: 0x0001_0005,
        jitter: 0x37, lastSenderReport: 0xAABB_CCDD, delaySinceLastSenderReport: 0x0001_8000)

    /// SR, RC=1: sender 0x11223344, NTP 0xE7D2_0000.8000_0000, RTP ts 0x1000, 5 packets, 600 octets.
    static let senderReport = hex("""
        81 C8 00 0C  11 22 33 44
        E7 D2 00 00  80 00 00 00  00 00 10 00  00 00 00 05  00 00 02 58
        01 02 03 04  40 FF FF FE  00 01 00 05  00 00 00 37  AA BB CC DD  00 01 80 00
        """)

    @Test func senderReportMatchesFigure() throws {
        let sr = try withBytes(Self.senderReport) { try RTCPSenderReport(parsing: $0) }
        #expect(sr.senderSSRC == 0x1122_3344)
        #expect(sr.ntpTimestamp == NTPTimestamp(seconds: 0xE7D2_0000, fraction: 0x8000_0000))
        #expect(sr.rtpTimestamp == 0x1000 && sr.packetCount == 5 && sr.octetCount == 600)
        #expect(sr.reportCount == 1 && sr.reportBlock(0) == Self.block && sr.reportBlock(1) == nil)
        let built = try written {
            try RTCPSenderReport.write(
                senderSSRC: 0x1122_3344, ntpTimestamp: NTPTimestamp(0xE7D2_0000_8000_0000), rtpTimestamp: 0x1000,
                packetCount: 5, octetCount: 600, reportBlocks: [Self.block], into: $0)
        }
        #expect(built == Self.senderReport)
    }

    static let receiverReport = hex("81 C9 00 07  55 66 77 88  01 02 03 04  40 FF FF FE  00 01 00 05  00 00 00 37  AA BB CC DD  00 01 80 00")

    @Test func receiverReportMatchesFigure() throws {
        let rr = try withBytes(Self.receiverReport) { try RTCPReceiverReport(parsing: $0) }
        #expect(rr.senderSSRC == 0x5566_7788 && rr.reportCount == 1 && rr.reportBlock(0) == Self.block)
        let built = try written { try RTCPReceiverReport.write(senderSSRC: 0x5566_7788, reportBlocks: [Self.block], into: $0) }
        #expect(built == Self.receiverReport)
        let empty = try written { try RTCPReceiverReport.write(senderSSRC: 1, reportBlocks: [], into: $0) }
        #expect(empty == hex("80 C9 00 01 00 00 00 01"))
    }

    @Test func cumulativeLossSaturatesAt24Bits() throws {
        var block = Self.block
        block.cumulativeLost = 10_000_000
        let built = try written { try RTCPReceiverReport.write(senderSSRC: 1, reportBlocks: [block], into: $0) }
        let rr = try withBytes(built) { try RTCPReceiverReport(parsing: $0) }
        #expect(rr.reportBlock(0)?.cumulativeLost == 0x7F_FFFF)
    }

    /// SDES with one chunk: SSRC 0x11223344, CNAME "abc", end marker, padding to 32 bits.
    static let sourceDescription = hex("81 CA 00 03  11 22 33 44  01 03 61 62  63 00 00 00")

    @Test func sourceDescriptionMatchesFigure() throws {
        try withBytes(Self.sourceDescription) { bytes in
            let sdes = try RTCPSourceDescription(parsing: bytes)
            #expect(sdes.chunkCount == 1)
            let items = Array(sdes)
            #expect(items.count == 1 && items[0].ssrc == 0x1122_3344 && items[0].type == 1)
            #expect(sdes.cname(for: 0x1122_3344).map(Array.init) == Array("abc".utf8))
            #expect(sdes.cname(for: 1) == nil)
        }
        let built = try written { try RTCPSourceDescription.write(cnames: [(ssrc: 0x1122_3344, cname: "abc")], into: $0) }
        #expect(built == Self.sourceDescription)
    }

    @Test func sourceDescriptionWithTwoChunksAndSeveralItems() throws {
        // Chunk 1: CNAME "a" + NAME "bob" then end; chunk 2: CNAME "xy" (exactly fills with one null).
        let bytes = hex("82 CA 00 07  00 00 00 01  01 01 61 02  03 62 6F 62  00 00 00 00  00 00 00 02  01 02 78 79  00 00 00 00")
        try withBytes(bytes) { packet in
            let sdes = try RTCPSourceDescription(parsing: packet)
            #expect(sdes.map(\.type) == [1, 2, 1])
            #expect(sdes.map(\.ssrc) == [1, 1, 2])
            #expect(sdes.cname(for: 2).map(Array.init) == Array("xy".utf8))
        }
        let built = try written {
            try RTCPSourceDescription.write(cnames: [(ssrc: 7, cname: "bridge"), (ssrc: 8, cname: "")], into: $0)
        }
        let sdes = try withBytes(built) { try Array(RTCPSourceDescription(parsing: $0)).map { ($0.ssrc, Array($0.value)) } }
        #expect(sdes.map(\.0) == [7, 8] && sdes[0].1 == Array("bridge".utf8) && sdes[1].1.isEmpty)
    }

    @Test(arguments: [
        (hex("81 CA 00 01  11 22 33 44"), RTCPParseError.itemOverrun),
        (hex("82 CA 00 03  11 22 33 44  01 03 61 62  63 00 00 00"), .badCount),
        (hex("81 CA 00 02  11 22 33 44  01 09 61 62"), .itemOverrun),
    ])
    func malformedSourceDescription(bytes: [UInt8], error: RTCPParseError) {
        #expect(throws: error) { try withBytes(bytes) { try RTCPSourceDescription(parsing: $0) } }
    }

    /// BYE for two sources with the reason "bye" (length byte + 3 bytes fill a word).
    static let bye = hex("82 CB 00 03  00 00 00 01  00 00 00 02  03 62 79 65")

    @Test func byeMatchesFigure() throws {
        try withBytes(Self.bye) { bytes in
            let bye = try RTCPBye(parsing: bytes)
            #expect(bye.sourceCount == 2 && bye.ssrc(0) == 1 && bye.ssrc(1) == 2 && bye.ssrc(2) == nil)
            #expect(bye.reason.map(Array.init) == Array("bye".utf8))
        }
        #expect(try written { try RTCPBye.write(ssrcs: [1, 2], reason: "bye", into: $0) } == Self.bye)
        let plain = try written { try RTCPBye.write(ssrcs: [9], into: $0) }
        #expect(plain == hex("81 CB 00 01 00 00 00 09"))
        #expect(try withBytes(plain) { try RTCPBye(parsing: $0).reason } == nil)
        #expect(throws: RTCPParseError.badCount) { try withBytes(hex("83 CB 00 01 00 00 00 09")) { try RTCPBye(parsing: $0) } }
    }

    @Test func malformedHeaders() {
        #expect(throws: RTCPParseError.tooShort) { try withBytes(hex("81 C8")) { try RTCPSenderReport(parsing: $0) } }
        #expect(throws: RTCPParseError.badVersion) { try withBytes(hex("41 C9 00 01 00 00 00 01")) { try RTCPReceiverReport(parsing: $0) } }
        #expect(throws: RTCPParseError.unexpectedType) { try withBytes(Self.receiverReport) { try RTCPSenderReport(parsing: $0) } }
        #expect(throws: RTCPParseError.badCount) { try withBytes(hex("82 C9 00 07") + Self.receiverReport.dropFirst(4)) { try RTCPReceiverReport(parsing: $0) } }
        #expect(throws: RTCPParseError.tooShort) { try withBytes(hex("80 C8 00 01 00 00 00 01")) { try RTCPSenderReport(parsing: $0) } }
        #expect(throws: RTCPParseError.badPadding) { try withBytes(hex("A0 C9 00 01 00 00 00 00")) { try RTCPReceiverReport(parsing: $0) } }
        #expect(throws: RTCPParseError.badPadding) { try withBytes(hex("A0 C9 00 01 00 00 00 09")) { try RTCPReceiverReport(parsing: $0) } }
    }

    @Test func everyTruncationIsATypedError() {
        for packet in [Self.senderReport, Self.receiverReport, Self.sourceDescription, Self.bye] {
            forEachTruncation(of: packet) { bytes, _ in
                #expect(throws: RTCPParseError.self) { try RTCPPacket(parsing: bytes) }
            }
        }
    }

    @Test func buildersReportSmallBuffers() {
        var small = [UInt8](repeating: 0, count: 20)
        small.withUnsafeMutableBytes { buffer in
            #expect(throws: RTPBuildError.bufferTooSmall) {
                try RTCPSenderReport.write(senderSSRC: 1, ntpTimestamp: NTPTimestamp(0), rtpTimestamp: 0, packetCount: 0,
                                           octetCount: 0, reportBlocks: [RTCPReportBlock](), into: buffer)
            }
            #expect(throws: RTPBuildError.tooManyItems) {
                try RTCPReceiverReport.write(senderSSRC: 1, reportBlocks: Array(repeating: Self.block, count: 32), into: buffer)
            }
        }
    }
}

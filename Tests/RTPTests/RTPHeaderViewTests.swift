import Testing
@testable import RTP

@Suite struct RTPHeaderViewTests {
    /// V=2, P=1, X=1, CC=2, M=1, PT=100, seq 0x1234, ts 0xDEADBEEF, SSRC 0x11223344,
    /// two CSRCs, a 0xBEDE block of one word, 3 payload bytes and 2 padding bytes.
    static let full: [UInt8] = hex("""
        B2 E4 12 34  DE AD BE EF  11 22 33 44
        AA AA AA AA  BB BB BB BB
        BE DE 00 01  10 7F 00 00
        01 02 03  00 02
        """)

    @Test func parsesEveryField() throws {
        let view = try withBytes(Self.full) { try RTPHeaderView(parsing: $0) }
        #expect(view.version == 2)
        #expect(view.padding && view.hasExtension && view.marker)
        #expect(view.csrcCount == 2)
        #expect(view.payloadType == 100)
        #expect(view.sequenceNumber == 0x1234)
        #expect(view.timestamp == 0xDEAD_BEEF)
        #expect(view.ssrc == 0x1122_3344)
        #expect(view.extensionProfile == 0xBEDE)
        #expect(view.extensionOffset == 24)
        #expect(view.extensionLength == 4)
        #expect(view.headerLength == 28)
        #expect(view.payloadOffset == 28)
        #expect(view.payloadLength == 3)
        #expect(view.paddingLength == 2)
        #expect(view.packetLength == Self.full.count)
        #expect(view.extensionForm == .oneByte)
        withBytes(Self.full) { bytes in
            #expect(view.csrc(0, in: bytes) == 0xAAAA_AAAA)
            #expect(view.csrc(1, in: bytes) == 0xBBBB_BBBB)
            #expect(view.csrc(2, in: bytes) == nil)
        }
    }

    @Test func minimalHeaderHasNoExtensionOrPayload() throws {
        let bytes = try written { try RTPHeaderView.write(payloadType: 111, sequenceNumber: 7, timestamp: 9, ssrc: 5, into: $0) }
        let view = try withBytes(bytes) { try RTPHeaderView(parsing: $0) }
        #expect(view.headerLength == 12 && view.payloadLength == 0 && !view.hasExtension && view.extensionForm == nil)
        #expect(view.payloadType == 111 && view.sequenceNumber == 7 && view.timestamp == 9 && view.ssrc == 5)
    }

    @Test(arguments: [
        (hex("80 00 00"), RTPParseError.tooShort),
        (hex("40 00 00 00 00 00 00 00 00 00 00 00"), .badVersion),
        (hex("81 00 00 00 00 00 00 00 00 00 00 00"), .csrcOverrun),
        (hex("90 00 00 00 00 00 00 00 00 00 00 00 BE DE"), .extensionOverrun),
        (hex("90 00 00 00 00 00 00 00 00 00 00 00 BE DE 00 01"), .extensionOverrun),
        (hex("A0 00 00 00 00 00 00 00 00 00 00 00"), .badPadding),
        (hex("A0 00 00 00 00 00 00 00 00 00 00 00 01 00"), .badPadding),
        (hex("A0 00 00 00 00 00 00 00 00 00 00 00 01 03"), .badPadding),
    ])
    func rejectsMalformed(bytes: [UInt8], error: RTPParseError) {
        #expect(throws: error) { try withBytes(bytes) { try RTPHeaderView(parsing: $0) } }
    }

    @Test func everyTruncationFailsOrParsesConsistently() {
        forEachTruncation(of: Self.full) { bytes, length in
            do {
                let view = try RTPHeaderView(parsing: bytes)
                #expect(view.packetLength == length)
            } catch {
                // A typed error is the expected outcome for most prefixes.
            }
        }
    }

    @Test func rewritesHeaderFieldsInPlace() throws {
        var bytes = Self.full
        var view = try withBytes(bytes) { try RTPHeaderView(parsing: $0) }
        try bytes.withUnsafeMutableBytes { slot in
            try view.setSSRC(0xCAFE_BABE, in: slot)
            try view.setSequenceNumber(0xFFFF, in: slot)
            try view.setTimestamp(42, in: slot)
            try view.setPayloadType(96, in: slot)
            try view.setMarker(false, in: slot)
        }
        let reparsed = try withBytes(bytes) { try RTPHeaderView(parsing: $0) }
        #expect(reparsed == view)
        #expect(reparsed.ssrc == 0xCAFE_BABE && reparsed.sequenceNumber == 0xFFFF && reparsed.timestamp == 42)
        #expect(reparsed.payloadType == 96 && !reparsed.marker && reparsed.padding && reparsed.hasExtension)
        #expect(throws: RTPBuildError.valueOutOfRange) {
            try bytes.withUnsafeMutableBytes { try view.setPayloadType(128, in: $0) }
        }
    }

    @Test func randomPacketsNeverTrap() {
        var generator = SeededGenerator(seed: 0x5EED)
        for _ in 0..<20_000 {
            let length = Int.random(in: 0...64, using: &generator)
            var bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            if length > 0 { bytes[0] = 0x80 | (bytes[0] & 0x3F) }
            withBytes(bytes) { packet in
                guard let view = try? RTPHeaderView(parsing: packet) else { return }
                #expect(view.packetLength == length)
                for element in view.extensionElements(in: packet) {
                    #expect(element.offset + element.length <= view.headerLength)
                }
            }
        }
    }
}

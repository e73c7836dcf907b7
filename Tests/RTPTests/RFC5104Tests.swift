import Testing
@testable import RTP

/// Full intra request from RFC 5104 §4.3.1.
@Suite struct RFC5104Tests {
    /// Sender 1, media field 0, one entry for SSRC 2 with command sequence number 5.
    static let fir = hex("84 CE 00 04  00 00 00 01  00 00 00 00  00 00 00 02  05 00 00 00")

    @Test func firMatchesFigure() throws {
        try withBytes(Self.fir) { bytes in
            let fir = try RTCPFullIntraRequest(parsing: bytes)
            #expect(fir.senderSSRC == 1 && fir.mediaSSRC == 0 && fir.entryCount == 1)
            #expect(fir.entry(0) == RTCPFullIntraRequest.Entry(ssrc: 2, sequenceNumber: 5))
            #expect(fir.entry(1) == nil)
        }
        let built = try written { try RTCPFullIntraRequest.write(senderSSRC: 1, entries: [.init(ssrc: 2, sequenceNumber: 5)], into: $0) }
        #expect(built == Self.fir)
    }

    @Test func malformedFIR() {
        #expect(throws: RTCPParseError.badCount) { try withBytes(hex("84 CE 00 02  00 00 00 01  00 00 00 00")) { try RTCPFullIntraRequest(parsing: $0) } }
        #expect(throws: RTCPParseError.badCount) { try withBytes(hex("84 CE 00 03  00 00 00 01  00 00 00 00  00 00 00 02")) { try RTCPFullIntraRequest(parsing: $0) } }
        forEachTruncation(of: Self.fir) { bytes, _ in
            #expect(throws: RTCPParseError.self) { try RTCPFullIntraRequest(parsing: bytes) }
        }
    }
}

import Testing
@testable import Primitives

@Suite struct DatagramKindTests {
    @Test(arguments: [
        (UInt8(0), UInt8(1), DatagramKind.stun), (1, 1, .stun), (3, 0, .stun),
        (20, 0, .dtls), (22, 254, .dtls), (63, 0, .dtls),
        (128, 111, .rtp), (0x80, 0xE4, .rtp), (0x80, 200, .rtcp), (0x81, 201, .rtcp), (0x81, 205, .rtcp),
        (0x80, 206, .rtcp), (191, 223, .rtcp), (16, 0, .unknown), (64, 0, .unknown), (192, 0, .unknown),
    ])
    func classifiesByFirstByte(first: UInt8, second: UInt8, kind: DatagramKind) {
        #expect(DatagramKind.classify(first: first, second: second) == kind)
    }

    @Test func shortDatagramIsUnknown() {
        [UInt8(0)].withUnsafeBytes { #expect(DatagramKind.classify($0) == .unknown) }
    }
}

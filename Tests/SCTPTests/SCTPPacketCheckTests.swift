import Testing
@testable import SCTP

@Suite struct SCTPPacketCheckTests {
    /// Bitwise CRC32c (Castagnoli, reflected 0x82F63B78), independent of usrsctp's tables.
    static func crc32c(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 != 0 ? (crc >> 1) ^ 0x82F6_3B78 : crc >> 1 }
        }
        return ~crc
    }

    /// A packet with ports 5000/5000 and the given chunks; RFC 9260 Appendix A puts the CRC on
    /// the wire least significant byte first.
    static func packet(chunks: [UInt8], fixCRC: Bool = true) -> [UInt8] {
        var bytes: [UInt8] = [0x13, 0x88, 0x13, 0x88, 0xDE, 0xAD, 0xBE, 0xEF, 0, 0, 0, 0] + chunks
        guard fixCRC else { return bytes }
        let crc = crc32c(bytes)
        for index in 0..<4 { bytes[8 + index] = UInt8(truncatingIfNeeded: crc >> (8 * index)) }
        return bytes
    }

    /// A HEARTBEAT chunk (type 4) with a 4-byte info parameter: 12 bytes, no padding.
    static let heartbeat: [UInt8] = [0x04, 0x00, 0x00, 0x0C, 0x00, 0x01, 0x00, 0x08, 1, 2, 3, 4]

    @Test func acceptsValidPacket() throws {
        var bytes = Self.packet(chunks: Self.heartbeat)
        let original = bytes
        try SCTPPacketCheck.validate(&bytes)
        #expect(bytes == original)
    }

    @Test func acceptsMissingPaddingOnLastChunk() throws {
        var bytes = Self.packet(chunks: [0x00, 0x03, 0x00, 0x05, 0x41])
        try SCTPPacketCheck.validate(&bytes)
    }

    @Test(arguments: [
        (Array(repeating: 0, count: 15), SCTPPacketError.tooShort),
        ([0x13, 0x89, 0x13, 0x88] + Array(repeating: 0, count: 12), .wrongPort),
        (packet(chunks: [0x04, 0x00, 0x00, 0x03]), .chunkLengthTooSmall),
        (packet(chunks: [0x04, 0x00, 0x00, 0x10, 0, 0, 0, 0]), .chunkOverrun),
        (packet(chunks: heartbeat + [0x00, 0x00]), .chunkOverrun),
        (packet(chunks: heartbeat, fixCRC: false), .badChecksum),
    ] as [([UInt8], SCTPPacketError)])
    func rejects(bytes: [UInt8], error: SCTPPacketError) {
        var bytes = bytes
        #expect(throws: error) { try SCTPPacketCheck.validate(&bytes) }
    }
}

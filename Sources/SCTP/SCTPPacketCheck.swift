internal import CUsrsctp

/// Cheap structural validation of an inbound SCTP packet (RFC 9260 §3), so that garbage is
/// counted instead of vanishing silently inside usrsctp (which would drop it without telling us).
///
/// ```
///  0                   1                   2                   3
///  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |     Source Port Number        |     Destination Port Number   |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                      Verification Tag                         |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                           Checksum                            |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |   Chunk Type  | Chunk  Flags  |        Chunk Length           |  (repeated,
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+   padded to 4)
/// \                          Chunk Value                          /
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// ```
enum SCTPPacketCheck {
    static let commonHeaderLength = 12
    static let chunkHeaderLength = 4
    static let webRTCPort: UInt16 = 5000

    /// Validates `packet` in place: the checksum field is zeroed for the CRC computation and
    /// restored afterwards, so the caller's bytes come back unchanged.
    static func validate(_ packet: inout [UInt8]) throws(SCTPPacketError) {
        let count = packet.count
        guard count >= commonHeaderLength + chunkHeaderLength else { throw .tooShort }
        guard readUInt16(packet, at: 0) == webRTCPort, readUInt16(packet, at: 2) == webRTCPort else {
            throw .wrongPort
        }
        var offset = commonHeaderLength
        while offset &+ chunkHeaderLength <= count {
            let length = Int(readUInt16(packet, at: offset &+ 2))
            guard length >= chunkHeaderLength else { throw .chunkLengthTooSmall }
            guard offset &+ length <= count else { throw .chunkOverrun }
            // Padding of the last chunk may be missing on the wire; the loop condition allows it.
            offset &+= (length &+ 3) & ~3
        }
        guard offset >= count else { throw .chunkOverrun }
        guard checksumMatches(&packet) else { throw .badChecksum }
    }

    /// usrsctp's CRC32c returns the value in the byte order it is stored in the header, so the
    /// comparison is against the field loaded as a native integer.
    private static func checksumMatches(_ packet: inout [UInt8]) -> Bool {
        packet.withUnsafeMutableBytes { raw -> Bool in
            guard let base = raw.baseAddress else { return false }
            let stored = raw.loadUnaligned(fromByteOffset: 8, as: UInt32.self)
            raw.storeBytes(of: 0, toByteOffset: 8, as: UInt32.self)
            let computed = usrsctp_crc32c(base, raw.count)
            raw.storeBytes(of: stored, toByteOffset: 8, as: UInt32.self)
            return computed == stored
        }
    }

    private static func readUInt16(_ bytes: [UInt8], at offset: Int) -> UInt16 {
        UInt16(bytes[offset]) << 8 | UInt16(bytes[offset &+ 1])
    }
}

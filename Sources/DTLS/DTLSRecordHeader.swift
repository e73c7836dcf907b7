/// The fixed 13-byte header of a DTLS 1.0/1.2 record (RFC 6347 section 4.1).
///
/// ```
///  0                   1                   2                   3
///  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |  ContentType  |  Version major=254 minor  |      epoch        |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                  sequence_number (48 bits)                    |
/// +                               +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                               |            length             |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                    fragment (length bytes) ...
/// ```
///
/// OpenSSL silently discards records it cannot parse, which would hide garbage from the caller's
/// drop counters; ``DTLSEndpoint`` therefore checks the framing itself before handing a datagram on.
struct DTLSRecordHeader: Equatable {
    static let length = 13
    /// RFC 6347 section 4.1.2.1 via RFC 5246 section 6.2.3: at most 2^14 + 2048 bytes.
    static let maximumFragmentLength = 16_384 + 2_048

    var contentType: UInt8
    var versionMinor: UInt8
    var fragmentLength: Int

    /// Parses the header at the start of `bytes`; the fragment must fit in `bytes` too.
    init(parsing bytes: UnsafeRawBufferPointer) throws(DTLSError) {
        guard bytes.count >= Self.length else { throw .malformedRecord }
        // 20 change_cipher_spec, 21 alert, 22 handshake, 23 application_data, 24 heartbeat,
        // 25 tls12_cid.
        guard (20...25).contains(bytes[0]), bytes[1] == 0xFE else { throw .malformedRecord }
        let length = Int(bytes[11]) << 8 | Int(bytes[12])
        guard length <= Self.maximumFragmentLength, length <= bytes.count - Self.length else {
            throw .malformedRecord
        }
        contentType = bytes[0]
        versionMinor = bytes[2]
        fragmentLength = length
    }

    /// Checks that a whole datagram is one or more complete records back to back.
    static func validateDatagram(_ datagram: UnsafeRawBufferPointer) throws(DTLSError) {
        guard !datagram.isEmpty else { throw .malformedRecord }
        var offset = 0
        while offset < datagram.count {
            let rest = UnsafeRawBufferPointer(rebasing: datagram[offset...])
            let header = try DTLSRecordHeader(parsing: rest)
            offset += length + header.fragmentLength
        }
    }
}

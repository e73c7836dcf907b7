// RFC 4585 §6.1: the common layout of transport-layer (205) and payload-specific (206) feedback.
//
//  0                   1                   2                   3
//  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |V=2|P|   FMT   |       PT      |          length               |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |                  SSRC of packet sender                        |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |                  SSRC of media source                         |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// :            Feedback Control Information (FCI)                 :

/// Parsing and writing of the part every feedback message shares.
@usableFromInline enum RTCPFeedback {
    /// Feedback message types (FMT) this module understands.
    @usableFromInline static let nackFormat: UInt8 = 1
    @usableFromInline static let transportCCFormat: UInt8 = 15
    static let pliFormat: UInt8 = 1
    static let firFormat: UInt8 = 4
    static let applicationLayerFormat: UInt8 = 15

    /// The sender SSRC, media SSRC and FCI of the feedback packet at the start of `bytes`.
    static func parse(
        _ bytes: UnsafeRawBufferPointer, type: UInt8, format: UInt8
    ) throws(RTCPParseError) -> (sender: UInt32, media: UInt32, fci: UnsafeRawBufferPointer) {
        let (_, body) = try RTCPHeader.body(of: bytes, type: type, format: format)
        guard body.count >= 8 else { throw .tooShort }
        return (body.readUInt32(0), body.readUInt32(4), body.slice(8, body.count &- 8))
    }

    /// Checks room for a `length`-byte feedback packet and writes its 12-byte prefix.
    @inlinable static func writeHeader(
        type: UInt8, format: UInt8, length: Int, sender: UInt32, media: UInt32, into buffer: UnsafeMutableRawBufferPointer
    ) throws(RTPBuildError) {
        try RTCPHeader.checkCapacity(length, buffer)
        RTCPHeader.write(count: format, packetType: type, length: length, into: buffer)
        buffer.writeUInt32(sender, at: 4)
        buffer.writeUInt32(media, at: 8)
    }
}

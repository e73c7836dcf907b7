// draft-alvestrand-rmcat-remb-03 §2.2: receiver estimated maximum bitrate, an application-layer
// feedback message (PT 206, FMT 15) tagged "REMB". Negotiated only for clients without TCC.

/// A REMB read in place.
///
/// ```
///  0                   1                   2                   3
///  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |V=2|P| FMT=15  |   PT=206      |             length            |
/// |                  SSRC of packet sender                        |
/// |                  SSRC of media source (0)                     |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |  Unique identifier 'R' 'E' 'M' 'B'                            |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |  Num SSRC     | BR Exp    |  BR Mantissa (18 bits)            |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |   SSRC feedback ...                                           |  × Num SSRC
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// ```
///
/// The view points into the caller's buffer; use it only while that memory is valid.
public struct RTCPREMB {
    /// "REMB" as a big-endian word.
    public static let identifier: UInt32 = 0x5245_4D42

    /// Who estimates.
    public let senderSSRC: UInt32
    /// The bitrate exponent (6 bits).
    public let exponent: UInt8
    /// The bitrate mantissa (18 bits).
    public let mantissa: UInt32
    /// Number of SSRCs the estimate applies to.
    public let ssrcCount: Int
    /// The FCI (identifier, bitrate word and SSRC list).
    public let fci: UnsafeRawBufferPointer

    /// The estimate in bits per second (saturating at `UInt64.max`).
    public var bitrate: UInt64 {
        let value = UInt64(mantissa)
        // Overflow exactly when the shift pushes set bits past bit 63.
        return value != 0 && Int(exponent) > value.leadingZeroBitCount ? .max : value << UInt64(exponent)
    }

    /// Whether the packet at the start of `bytes` is PSFB FMT 15 with the REMB identifier.
    public static func matches(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard bytes.count >= 16, bytes.readUInt8(1) == RTCPPacketType.payloadFeedback,
              bytes.readUInt8(0) & 0x1F == RTCPFeedback.applicationLayerFormat else { return false }
        return bytes.readUInt32(12) == identifier
    }

    /// Parses the REMB at the start of `bytes`.
    public init(parsing bytes: UnsafeRawBufferPointer) throws(RTCPParseError) {
        let media: UInt32
        (senderSSRC, media, fci) = try RTCPFeedback.parse(
            bytes, type: RTCPPacketType.payloadFeedback, format: RTCPFeedback.applicationLayerFormat)
        _ = media
        guard fci.count >= 8 else { throw .tooShort }
        guard fci.readUInt32(0) == Self.identifier else { throw .badIdentifier }
        let word = fci.readUInt32(4)
        ssrcCount = Int(word >> 24)
        exponent = UInt8(truncatingIfNeeded: (word >> 18) & 0x3F)
        mantissa = word & 0x3_FFFF
        guard 8 &+ ssrcCount &* 4 <= fci.count else { throw .badCount }
    }

    /// SSRC number `index` (0 ..< `ssrcCount`).
    public func ssrc(_ index: Int) -> UInt32? {
        guard index >= 0, index < ssrcCount else { return nil }
        return fci.readUInt32(8 &+ index &* 4)
    }

    /// The exponent and mantissa that encode `bitrate`, rounding down to 18 significant bits.
    public static func encode(bitrate: UInt64) -> (exponent: UInt8, mantissa: UInt32) {
        var exponent: UInt64 = 0
        while bitrate >> exponent >= 1 << 18 { exponent &+= 1 }
        return (UInt8(exponent), UInt32(truncatingIfNeeded: bitrate >> exponent))
    }

    /// Writes a REMB for up to 255 SSRCs; returns its length.
    public static func write(
        senderSSRC: UInt32, bitrate: UInt64, ssrcs: some Collection<UInt32>, into buffer: UnsafeMutableRawBufferPointer
    ) throws(RTPBuildError) -> Int {
        guard ssrcs.count <= 255 else { throw .tooManyItems }
        let length = 20 &+ ssrcs.count &* 4
        try RTCPFeedback.writeHeader(
            type: RTCPPacketType.payloadFeedback, format: RTCPFeedback.applicationLayerFormat, length: length,
            sender: senderSSRC, media: 0, into: buffer)
        let (exponent, mantissa) = encode(bitrate: bitrate)
        buffer.writeUInt32(identifier, at: 12)
        buffer.writeUInt32(UInt32(ssrcs.count) << 24 | UInt32(exponent) << 18 | mantissa, at: 16)
        var offset = 20
        for ssrc in ssrcs {
            buffer.writeUInt32(ssrc, at: offset)
            offset &+= 4
        }
        return length
    }
}

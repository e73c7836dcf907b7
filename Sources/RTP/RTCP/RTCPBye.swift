// RFC 3550 §6.6: goodbye (PT 203).

/// A BYE packet read in place.
///
/// ```
///  0                   1                   2                   3
///  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |V=2|P|    SC   |   PT=BYE=203  |             length            |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                           SSRC/CSRC                           |  × SC
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |     length    |               reason for leaving            ...  optional
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// ```
///
/// The view points into the caller's buffer; use it only while that memory is valid.
public struct RTCPBye {
    /// The packet body after the common header, padding removed.
    public let body: UnsafeRawBufferPointer
    /// Number of sources leaving.
    public let sourceCount: Int
    /// The reason text (UTF-8), if present.
    public let reason: UnsafeRawBufferPointer?

    /// Parses the BYE packet at the start of `bytes`.
    public init(parsing bytes: UnsafeRawBufferPointer) throws(RTCPParseError) {
        let (header, body) = try RTCPHeader.body(of: bytes, type: RTCPPacketType.bye)
        sourceCount = Int(header.count)
        let ssrcBytes = sourceCount &* 4
        guard ssrcBytes <= body.count else { throw .badCount }
        if body.count > ssrcBytes {
            let length = Int(body.readUInt8(ssrcBytes))
            guard ssrcBytes &+ 1 &+ length <= body.count else { throw .itemOverrun }
            reason = body.slice(ssrcBytes &+ 1, length)
        } else {
            reason = nil
        }
        self.body = body
    }

    /// Source number `index` (0 ..< `sourceCount`).
    public func ssrc(_ index: Int) -> UInt32? {
        guard index >= 0, index < sourceCount else { return nil }
        return body.readUInt32(index &* 4)
    }

    /// Writes a BYE for up to 31 sources with an optional reason; returns its length.
    public static func write(
        ssrcs: some Collection<UInt32>, reason: String? = nil, into buffer: UnsafeMutableRawBufferPointer
    ) throws(RTPBuildError) -> Int {
        guard ssrcs.count <= 31 else { throw .tooManyItems }
        let reasonLength = reason?.utf8.count ?? 0
        guard reasonLength <= 255 else { throw .valueOutOfRange }
        let unpadded = 4 &+ ssrcs.count &* 4 &+ (reason == nil ? 0 : 1 &+ reasonLength)
        let length = (unpadded &+ 3) & ~3
        try RTCPHeader.checkCapacity(length, buffer)
        RTCPHeader.write(count: UInt8(ssrcs.count), packetType: RTCPPacketType.bye, length: length, into: buffer)
        var offset = 4
        for ssrc in ssrcs {
            buffer.writeUInt32(ssrc, at: offset)
            offset &+= 4
        }
        if let reason {
            buffer.zero(offset, count: length &- offset)
            buffer.writeUInt8(UInt8(truncatingIfNeeded: reasonLength), at: offset)
            offset &+= 1
            for byte in reason.utf8 {
                buffer.writeUInt8(byte, at: offset)
                offset &+= 1
            }
        }
        return length
    }
}

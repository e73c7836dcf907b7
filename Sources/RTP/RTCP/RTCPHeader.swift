// RFC 3550 §6.4.1: the four-byte header every RTCP packet starts with.

/// The common RTCP header.
///
/// ```
///  0                   1                   2                   3
///  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |V=2|P| RC/FMT  |      PT       |   length (32-bit words - 1)   |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// ```
public struct RTCPHeader: Sendable, Equatable {
    /// The P bit: the last byte of this packet counts padding bytes.
    public var padding: Bool
    /// The five-bit count field: report count, source count or feedback message type (FMT).
    public var count: UInt8
    /// The packet type (see `RTCPPacketType`).
    public var packetType: UInt8
    /// The packet's total length in bytes, header and padding included.
    public var length: Int

    /// Parses the header at the start of `bytes` and checks that the whole packet fits.
    public init(parsing bytes: UnsafeRawBufferPointer) throws(RTCPParseError) {
        guard bytes.count >= 4 else { throw .tooShort }
        let first = bytes.readUInt8(0)
        guard first >> 6 == 2 else { throw .badVersion }
        padding = first & 0x20 != 0
        count = first & 0x1F
        packetType = bytes.readUInt8(1)
        length = (Int(bytes.readUInt16(2)) &+ 1) &* 4
        guard length <= bytes.count else { throw .lengthOverrun }
    }

    /// Parses the packet at the start of `bytes`, checks its type (and FMT, if given) and returns
    /// the header with the body: the bytes after the header, padding removed.
    static func body(
        of bytes: UnsafeRawBufferPointer, type: UInt8, format: UInt8? = nil
    ) throws(RTCPParseError) -> (RTCPHeader, UnsafeRawBufferPointer) {
        let header = try RTCPHeader(parsing: bytes)
        guard header.packetType == type, format.map({ $0 == header.count }) ?? true else { throw .unexpectedType }
        var end = header.length
        if header.padding {
            let pad = Int(bytes.readUInt8(end &- 1))
            guard pad > 0, pad <= end &- 4 else { throw .badPadding }
            end &-= pad
        }
        return (header, bytes.slice(4, end &- 4))
    }

    /// Writes a header for a packet of `length` bytes (a multiple of 4) at `offset`.
    @inlinable static func write(count: UInt8, packetType: UInt8, length: Int, into buffer: UnsafeMutableRawBufferPointer, at offset: Int = 0) {
        buffer.writeUInt8(0x80 | (count & 0x1F), at: offset)
        buffer.writeUInt8(packetType, at: offset &+ 1)
        buffer.writeUInt16(UInt16(truncatingIfNeeded: length / 4 &- 1), at: offset &+ 2)
    }

    /// Checks that a packet of `length` bytes fits `buffer` and the 16-bit length field.
    @inlinable static func checkCapacity(_ length: Int, _ buffer: UnsafeMutableRawBufferPointer) throws(RTPBuildError) {
        guard length <= buffer.count else { throw .bufferTooSmall }
        guard length / 4 <= 0x10000 else { throw .tooManyItems }
    }
}

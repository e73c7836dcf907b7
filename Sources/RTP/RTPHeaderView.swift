// RFC 3550 §5.1: the RTP fixed header, CSRC list and header extension block, read in place.

/// The decoded fixed header of one RTP packet plus the offsets of its variable parts.
///
/// A view holds numbers only, never the bytes, so it can outlive the receive slot and be copied
/// into each receiver's send slot, where the same offsets still apply. Parsing allocates nothing.
///
/// ```
///  0                   1                   2                   3
///  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |V=2|P|X|  CC   |M|     PT      |       sequence number         |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                           timestamp                           |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |           synchronization source (SSRC) identifier            |
/// +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
/// |            contributing source (CSRC) identifiers (0-15)      |
/// +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
/// |      defined by profile       |           length (words)      |  if X
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                  header extension data ...                    |
/// +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
/// |                  payload ...            | padding ... | count |  if P
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// ```
public struct RTPHeaderView: Sendable, Equatable {
    /// The RTP version; always 2 for a parsed packet.
    @inlinable public var version: UInt8 { _version }
    @usableFromInline var _version: UInt8
    /// The P bit: the packet ends in padding whose last byte counts it.
    @inlinable public var padding: Bool { _padding }
    @usableFromInline var _padding: Bool
    /// The X bit: a header extension block follows the CSRC list.
    @inlinable public var hasExtension: Bool { _hasExtension }
    @usableFromInline var _hasExtension: Bool
    /// Number of CSRC identifiers (0–15).
    @inlinable public var csrcCount: Int { _csrcCount }
    @usableFromInline var _csrcCount: Int
    /// The M bit.
    @inlinable public var marker: Bool { _marker }
    @usableFromInline var _marker: Bool
    /// The 7-bit payload type.
    @inlinable public var payloadType: UInt8 { _payloadType }
    @usableFromInline var _payloadType: UInt8
    /// The 16-bit sequence number.
    @inlinable public var sequenceNumber: UInt16 { _sequenceNumber }
    @usableFromInline var _sequenceNumber: UInt16
    /// The RTP timestamp.
    @inlinable public var timestamp: UInt32 { _timestamp }
    @usableFromInline var _timestamp: UInt32
    /// The synchronization source.
    @inlinable public var ssrc: UInt32 { _ssrc }
    @usableFromInline var _ssrc: UInt32
    /// Bytes before the payload: 12 + 4 × CSRCs + the extension block (its 4-byte header included).
    @inlinable public var headerLength: Int { _headerLength }
    @usableFromInline var _headerLength: Int
    /// Payload bytes, padding excluded.
    @inlinable public var payloadLength: Int { _payloadLength }
    @usableFromInline var _payloadLength: Int
    /// Trailing padding bytes, the count byte included (0 without the P bit).
    @inlinable public var paddingLength: Int { _paddingLength }
    @usableFromInline var _paddingLength: Int
    /// The extension block's 16-bit profile word (0xBEDE, 0x100x, …), or 0 without the X bit.
    @inlinable public var extensionProfile: UInt16 { _extensionProfile }
    @usableFromInline var _extensionProfile: UInt16
    /// Offset of the extension data, just after the profile and length words (0 without the X bit).
    @inlinable public var extensionOffset: Int { _extensionOffset }
    @usableFromInline var _extensionOffset: Int
    /// Bytes of extension data (4 × the length word; 0 without the X bit).
    @inlinable public var extensionLength: Int { _extensionLength }
    @usableFromInline var _extensionLength: Int

    /// Offset of the payload; equal to `headerLength`.
    @inlinable public var payloadOffset: Int { headerLength }
    /// The whole packet's length: header, payload and padding.
    @inlinable public var packetLength: Int { headerLength &+ payloadLength &+ paddingLength }
    /// Offset of the first CSRC.
    @inlinable public var csrcOffset: Int { 12 }

    /// Parses the header of the RTP packet that fills `packet`.
    @inlinable
    public init(parsing packet: UnsafeRawBufferPointer) throws(RTPParseError) {
        let count = packet.count
        guard count >= 12 else { throw .tooShort }
        let first = packet.readUInt8(0)
        guard first >> 6 == 2 else { throw .badVersion }
        let second = packet.readUInt8(1)
        _version = 2
        _padding = first & 0x20 != 0
        _hasExtension = first & 0x10 != 0
        _marker = second & 0x80 != 0
        _payloadType = second & 0x7F
        _sequenceNumber = packet.readUInt16(2)
        _timestamp = packet.readUInt32(4)
        _ssrc = packet.readUInt32(8)

        let csrcs = Int(first & 0x0F)
        _csrcCount = csrcs
        var offset = 12 &+ 4 &* csrcs
        guard offset <= count else { throw .csrcOverrun }
        if first & 0x10 != 0 {
            guard offset &+ 4 <= count else { throw .extensionOverrun }
            let length = Int(packet.readUInt16(offset &+ 2)) &* 4
            _extensionProfile = packet.readUInt16(offset)
            _extensionLength = length
            _extensionOffset = offset &+ 4
            offset &+= 4 &+ length
            guard offset <= count else { throw .extensionOverrun }
        } else {
            _extensionProfile = 0
            _extensionOffset = 0
            _extensionLength = 0
        }
        _headerLength = offset

        var pad = 0
        if first & 0x20 != 0 {
            guard count > offset else { throw .badPadding }
            pad = Int(packet.readUInt8(count &- 1))
            guard pad > 0, pad <= count &- offset else { throw .badPadding }
        }
        _paddingLength = pad
        _payloadLength = count &- offset &- pad
    }

    /// CSRC number `index` (0 ..< `csrcCount`) read from the packet this view was parsed from.
    @inlinable
    public func csrc(_ index: Int, in packet: UnsafeRawBufferPointer) -> UInt32? {
        let offset = 12 &+ 4 &* index
        guard index >= 0, index < csrcCount, offset &+ 4 <= packet.count else { return nil }
        return packet.readUInt32(offset)
    }

    /// The form of the extension block, decided by its profile word (RFC 8285 §4.2, §4.3).
    @inlinable public var extensionForm: RTPHeaderExtensionForm? {
        hasExtension ? RTPHeaderExtensionForm(profile: extensionProfile) : nil
    }
}

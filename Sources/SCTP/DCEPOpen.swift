/// The fields of a DATA_CHANNEL_OPEN message (RFC 8832 §5.1).
///
/// ```
///  0                   1                   2                   3
///  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |  Message Type |  Channel Type |            Priority           |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                    Reliability Parameter                      |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |         Label Length          |       Protocol Length         |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// \                             Label                             /
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// \                            Protocol                           /
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// ```
struct DCEPOpen: Equatable {
    var channelType: DCEPChannelType
    var priority: UInt16
    /// Retransmissions (rexmit types) or milliseconds (timed types); 0 and ignored when reliable.
    var reliabilityParameter: UInt32
    var label: String
    var `protocol`: String

    static let fixedLength = 12

    /// Parses an OPEN whose first byte the caller has already matched to 0x03.
    static func parse(_ bytes: [UInt8]) throws(DCEPParseError) -> DCEPOpen {
        guard bytes.count >= fixedLength else { throw .openTooShort }
        guard let channelType = DCEPChannelType(rawValue: bytes[1]) else { throw .unknownChannelType }
        let labelLength = Int(bytes[8]) << 8 | Int(bytes[9])
        let protocolLength = Int(bytes[10]) << 8 | Int(bytes[11])
        let labelEnd = fixedLength + labelLength
        guard labelEnd + protocolLength <= bytes.count else { throw .lengthsOverrun }
        guard let label = String(validating: bytes[fixedLength..<labelEnd], as: UTF8.self) else {
            throw .labelNotUTF8
        }
        guard let proto = String(validating: bytes[labelEnd..<(labelEnd + protocolLength)], as: UTF8.self) else {
            throw .protocolNotUTF8
        }
        let priority = UInt16(bytes[2]) << 8 | UInt16(bytes[3])
        let reliability = UInt32(bytes[4]) << 24 | UInt32(bytes[5]) << 16 | UInt32(bytes[6]) << 8 | UInt32(bytes[7])
        return DCEPOpen(
            channelType: channelType, priority: priority, reliabilityParameter: reliability,
            label: label, protocol: proto)
    }

    /// Encodes the message; label and protocol are cut to 65535 UTF-8 bytes, the most the
    /// 16-bit length fields can describe.
    func encoded() -> [UInt8] {
        let labelBytes = Array(label.utf8.prefix(Int(UInt16.max)))
        let protocolBytes = Array(`protocol`.utf8.prefix(Int(UInt16.max)))
        var out: [UInt8] = []
        out.reserveCapacity(Self.fixedLength + labelBytes.count + protocolBytes.count)
        out.append(DCEPMessage.openType)
        out.append(channelType.rawValue)
        appendBigEndian(UInt16(priority), to: &out)
        appendBigEndian(UInt16(truncatingIfNeeded: reliabilityParameter >> 16), to: &out)
        appendBigEndian(UInt16(truncatingIfNeeded: reliabilityParameter), to: &out)
        appendBigEndian(UInt16(labelBytes.count), to: &out)
        appendBigEndian(UInt16(protocolBytes.count), to: &out)
        out += labelBytes
        out += protocolBytes
        return out
    }

    private func appendBigEndian(_ value: UInt16, to out: inout [UInt8]) {
        out.append(UInt8(truncatingIfNeeded: value >> 8))
        out.append(UInt8(truncatingIfNeeded: value))
    }
}

/// A Data Channel Establishment Protocol message (RFC 8832).
enum DCEPMessage: Equatable {
    /// DATA_CHANNEL_OPEN, message type 0x03.
    case open(DCEPOpen)
    /// DATA_CHANNEL_ACK, message type 0x02: one byte, nothing else.
    case ack

    static let openType: UInt8 = 0x03
    static let ackType: UInt8 = 0x02

    /// The encoded DATA_CHANNEL_ACK (RFC 8832 §5.2).
    static let ackBytes: [UInt8] = [ackType]

    /// Parses one reassembled PPID-50 message. Trailing bytes after the protocol field and after
    /// the ACK type are ignored, as RFC 8832 defines no extensions and browsers send none.
    static func parse(_ bytes: [UInt8]) throws(DCEPParseError) -> DCEPMessage {
        guard let type = bytes.first else { throw .empty }
        switch type {
        case openType: return .open(try DCEPOpen.parse(bytes))
        case ackType: return .ack
        default: throw .unknownMessageType
        }
    }
}

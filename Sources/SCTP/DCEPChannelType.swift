/// DATA_CHANNEL_OPEN channel type (RFC 8832 §5.1): bit 0x80 means unordered, the low bits pick
/// the partial-reliability policy the reliability parameter applies to.
enum DCEPChannelType: UInt8, Equatable {
    case reliable = 0x00
    case reliableUnordered = 0x80
    case partialReliableRexmit = 0x01
    case partialReliableRexmitUnordered = 0x81
    case partialReliableTimed = 0x02
    case partialReliableTimedUnordered = 0x82

    var isUnordered: Bool { rawValue & 0x80 != 0 }

    /// usrsctp's PR-SCTP policy for this type (`SCTP_PR_SCTP_RTX` = 3, `SCTP_PR_SCTP_TTL` = 1).
    var prPolicy: UInt16 {
        switch rawValue & 0x7F {
        case 0x01: 3
        case 0x02: 1
        default: 0
        }
    }
}

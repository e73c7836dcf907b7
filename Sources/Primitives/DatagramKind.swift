/// What a datagram on the shared media port carries, decided by its first byte (RFC 7983 §7).
///
/// ```
///              +----------------+
///              |        [0..3] -+--> STUN
///              |      [16..19] -+--> ZRTP
///  packet -->  |      [20..63] -+--> DTLS
///              |      [64..79] -+--> TURN channel
///              |    [128..191] -+--> RTP/RTCP (RFC 5761 splits them by payload type)
///              +----------------+
/// ```
public enum DatagramKind: Sendable, Equatable {
    case stun, dtls, rtp, rtcp, unknown

    /// Classifies a datagram from its first two bytes; `nil` bytes mean an empty datagram.
    @inlinable public static func classify(first: UInt8, second: UInt8) -> DatagramKind {
        switch first {
        case 0...3: return .stun
        case 20...63: return .dtls
        case 128...191:
            // RFC 5761 §4: RTCP packet types 192–223 occupy the marker+PT byte's 64–95 range.
            let type = second & 0x7F
            return (64...95).contains(type) ? .rtcp : .rtp
        default: return .unknown
        }
    }

    /// Classifies a whole datagram; anything under 2 bytes is `.unknown`.
    @inlinable public static func classify(_ bytes: UnsafeRawBufferPointer) -> DatagramKind {
        guard bytes.count >= 2 else { return .unknown }
        return classify(first: bytes[0], second: bytes[1])
    }
}

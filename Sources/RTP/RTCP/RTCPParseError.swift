/// Why an RTCP packet was rejected; one case per malformed condition (typed throws, no boxing).
public enum RTCPParseError: Error, Sendable, Equatable {
    /// Fewer bytes than the header or the message's fixed part.
    case tooShort
    /// The version field is not 2.
    case badVersion
    /// The length field points past the end of the datagram.
    case lengthOverrun
    /// The P bit is set but the padding count is zero or larger than the packet.
    case badPadding
    /// The RC/SC/count field or an inner count does not fit the packet length.
    case badCount
    /// The packet type or feedback message type is not the one being parsed.
    case unexpectedType
    /// A payload-specific feedback packet lacks the "REMB" unique identifier.
    case badIdentifier
    /// An SDES item runs past its chunk or the packet.
    case itemOverrun
    /// Transport-cc chunks or receive deltas run past the end of the packet.
    case statusOverrun
    /// A transport-cc status vector uses the reserved symbol 3.
    case reservedStatus
}

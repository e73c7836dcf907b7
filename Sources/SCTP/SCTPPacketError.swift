/// Why an inbound SCTP packet was dropped before reaching usrsctp.
enum SCTPPacketError: Error, Equatable {
    /// Shorter than the 12-byte common header plus one 4-byte chunk header.
    case tooShort
    /// Source or destination port is not 5000, the only port WebRTC peers of the bridge use.
    case wrongPort
    /// A chunk length below 4, the size of the chunk header itself.
    case chunkLengthTooSmall
    /// A chunk length that runs past the end of the packet.
    case chunkOverrun
    /// CRC32c mismatch (RFC 9260 §6.8).
    case badChecksum
}

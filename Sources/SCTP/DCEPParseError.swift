/// Why a DCEP message (PPID 50) was rejected; the hub counts each as a malformed DCEP message.
enum DCEPParseError: Error, Equatable {
    /// Zero bytes: there is no message type.
    case empty
    /// A message type other than OPEN (0x03) or ACK (0x02).
    case unknownMessageType
    /// OPEN shorter than its 12-byte fixed part.
    case openTooShort
    /// OPEN with a channel type RFC 8832 §5.1 does not define.
    case unknownChannelType
    /// Label length plus protocol length run past the end of the message.
    case lengthsOverrun
    /// Label is not valid UTF-8.
    case labelNotUTF8
    /// Protocol is not valid UTF-8.
    case protocolNotUTF8
}

/// SCTP payload protocol identifiers WebRTC data channels use (RFC 8831 §8, RFC 8832 §8.1).
public enum SCTPPayloadProtocol {
    /// DCEP control messages (DATA_CHANNEL_OPEN / DATA_CHANNEL_ACK).
    public static let dcep: UInt32 = 50
    /// UTF-8 text (WebRTC String).
    public static let string: UInt32 = 51
    /// Binary (WebRTC Binary).
    public static let binary: UInt32 = 53
    /// Empty text: sent as one zero byte because SCTP cannot carry empty user messages.
    public static let stringEmpty: UInt32 = 56
    /// Empty binary, likewise one placeholder byte.
    public static let binaryEmpty: UInt32 = 57

    /// Whether `ppid` marks an empty message whose single placeholder byte must be dropped.
    static func isEmptyVariant(_ ppid: UInt32) -> Bool { ppid == stringEmpty || ppid == binaryEmpty }
}

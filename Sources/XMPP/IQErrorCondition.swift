/// The RFC 6120 §8.3.3 conditions the XMPP layer itself answers with. (Colibri2 errors come
/// from the Colibri module as complete `<error>` elements; see `IQReply.error(to:error:)`.)
public enum IQErrorCondition: String, Sendable, CaseIterable {
    case badRequest = "bad-request"
    case forbidden = "forbidden"
    case internalServerError = "internal-server-error"
    case serviceUnavailable = "service-unavailable"

    /// The error `type` paired with the condition (RFC 6120 §8.3.2, as Smack pairs them).
    public var errorType: String {
        switch self {
        case .badRequest: "modify"
        case .forbidden: "auth"
        case .internalServerError: "wait"
        case .serviceUnavailable: "cancel"
        }
    }
}

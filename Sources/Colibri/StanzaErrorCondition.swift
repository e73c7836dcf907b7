/// RFC 6120 §8.3.3 stanza error conditions a bridge answers with.
public enum StanzaErrorCondition: String, Sendable, CaseIterable {
    case badRequest = "bad-request"
    case conflict = "conflict"
    case featureNotImplemented = "feature-not-implemented"
    case forbidden = "forbidden"
    case internalServerError = "internal-server-error"
    case itemNotFound = "item-not-found"
    case notAcceptable = "not-acceptable"
    case notAllowed = "not-allowed"
    case notAuthorized = "not-authorized"
    case resourceConstraint = "resource-constraint"
    case serviceUnavailable = "service-unavailable"
    case undefinedCondition = "undefined-condition"
    case unexpectedRequest = "unexpected-request"

    /// The error `type` Smack pairs with each condition (jicofo ignores it; RFC 6120 §8.3.2).
    public var errorType: String {
        switch self {
        case .badRequest, .notAcceptable: "modify"
        case .forbidden, .notAuthorized: "auth"
        case .internalServerError, .resourceConstraint, .unexpectedRequest: "wait"
        case .conflict, .featureNotImplemented, .itemNotFound, .notAllowed, .serviceUnavailable,
            .undefinedCondition:
            "cancel"
        }
    }

    /// The HTTP status a REST transport answers with.
    public var httpStatus: Int {
        switch self {
        case .badRequest: 400
        case .forbidden, .notAuthorized: 403
        case .itemNotFound: 404
        case .conflict: 409
        case .featureNotImplemented: 501
        case .serviceUnavailable: 503
        default: 500
        }
    }
}

/// A refused Colibri2 request: the stanza error condition, the colibri2 reason jicofo keys on,
/// a human-readable text, and for `unknown_endpoint` the endpoint concerned.
public struct Colibri2Error: Error, Sendable, Equatable {
    /// The RFC 6120 condition.
    public var condition: StanzaErrorCondition
    /// The colibri2 reason, or nil (a plain bad-request carries none).
    public var reason: Colibri2ErrorReason?
    /// The `<text>` of the error.
    public var text: String
    /// The endpoint an `unknown_endpoint` error names.
    public var endpointID: String?

    /// Creates an error.
    public init(condition: StanzaErrorCondition, reason: Colibri2ErrorReason? = nil, text: String, endpointID: String? = nil) {
        self.condition = condition
        self.reason = reason
        self.text = text
        self.endpointID = endpointID
    }

    /// The HTTP status for a REST transport: 400, 403, 404, 409, 501, 503, else 500.
    public var httpStatus: Int { condition.httpStatus }
}

/// The errors JVB produces, with its wording (jicofo only logs the text).
extension Colibri2Error {
    /// A malformed or unacceptable request. No reason: jicofo fails the allocation without
    /// marking the bridge down.
    public static func badRequest(_ text: String) -> Colibri2Error {
        Colibri2Error(condition: .badRequest, text: text)
    }

    /// A combination the bridge does not support (relays, several allocations in one request).
    public static func featureNotImplemented(_ text: String) -> Colibri2Error {
        Colibri2Error(condition: .featureNotImplemented, reason: .featureNotImplemented, text: text)
    }

    /// A request for a conference that does not exist (and does not ask to create it).
    public static func conferenceNotFound(meetingID: String) -> Colibri2Error {
        Colibri2Error(condition: .itemNotFound, reason: .conferenceNotFound, text: "Conference not found for ID: \(meetingID)")
    }

    /// A create for a conference that already exists.
    public static func conferenceAlreadyExists(meetingID: String) -> Colibri2Error {
        Colibri2Error(condition: .conflict, reason: .conferenceAlreadyExists, text: "Conference already exists for ID: \(meetingID)")
    }

    /// A conference create while the bridge shuts down gracefully.
    public static let gracefulShutdown = Colibri2Error(
        condition: .serviceUnavailable, reason: .gracefulShutdown, text: "In graceful shutdown"
    )

    /// A create beyond one of the bridge's limits (conferences, endpoints per conference).
    /// `service-unavailable` without a reason makes jicofo mark this bridge non-operational for
    /// a minute and invite the participant elsewhere, which is what a full bridge wants.
    public static func limitReached(_ what: String, _ limit: Int) -> Colibri2Error {
        Colibri2Error(condition: .serviceUnavailable, text: "Limit of \(limit) \(what) reached")
    }

    /// An update for an endpoint the conference does not have.
    public static func unknownEndpoint(_ id: String) -> Colibri2Error {
        Colibri2Error(condition: .itemNotFound, reason: .unknownEndpoint, text: "Unknown endpoint \(id)", endpointID: id)
    }

    /// An endpoint create for an id that already exists.
    public static func endpointAlreadyExists(_ id: String) -> Colibri2Error {
        Colibri2Error(condition: .conflict, text: "Endpoint with ID \(id) already exists")
    }

    /// An unexpected failure inside the bridge.
    public static func internalError(_ text: String) -> Colibri2Error {
        Colibri2Error(condition: .internalServerError, text: text)
    }
}

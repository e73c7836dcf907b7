/// The `reason` of the `<error xmlns="jitsi:colibri2">` extension (docs/colibri2.md §2.5).
/// jicofo decides how to react from the condition together with this reason.
public enum Colibri2ErrorReason: String, Sendable, CaseIterable {
    case conferenceNotFound = "conference_not_found"
    case conferenceAlreadyExists = "conference_already_exists"
    case featureNotImplemented = "feature_not_implemented"
    case gracefulShutdown = "graceful_shutdown"
    case unknownEndpoint = "unknown_endpoint"
    case unspecified = "unspecified"
}

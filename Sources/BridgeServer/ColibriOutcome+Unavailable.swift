public import Bridge
import Colibri

extension ColibriOutcome {
    /// The answer when the media loop is not running. No colibri2 reason: jicofo then marks the
    /// bridge non-operational for a while and re-invites elsewhere (docs/colibri2.md §2.5).
    public static let mediaLoopUnavailable: ColibriOutcome = {
        let error = Colibri2Error(condition: .serviceUnavailable, text: "media loop not running")
        return .failure(error: error.element(), httpStatus: error.httpStatus)
    }()
}

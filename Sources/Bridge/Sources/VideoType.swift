/// What a video source shows, as the client signals it (Colibri2 `videoType`, `SourceVideoTypeMessage`).
///
/// `none` is a muted or stopped source: it is neither mapped to a receiver's slot nor forwarded.
/// Screen shares (`desktop`) are allocated favouring resolution over frame rate.
enum VideoType: Sendable, Equatable {
    case camera
    case desktop
    case desktopHighFrameRate
    case none

    /// Parses the signalled value in any case (`camera`, `desktop`, `desktop_high_fps`, `none`);
    /// nil for anything else.
    init?(signalled value: String) {
        switch value.lowercased() {
        case "camera": self = .camera
        case "desktop": self = .desktop
        case "desktop_high_fps": self = .desktopHighFrameRate
        case "none": self = .none
        default: return nil
        }
    }

    /// The upper-case form the source maps carry (`VideoSourcesMap`'s `videoType`).
    var mapName: String {
        switch self {
        case .camera: "CAMERA"
        case .desktop: "DESKTOP"
        case .desktopHighFrameRate: "DESKTOP_HIGH_FPS"
        case .none: "NONE"
        }
    }

    /// Whether the source is a screen share, which allocation treats differently.
    var isScreenShare: Bool { self == .desktop || self == .desktopHighFrameRate }
}

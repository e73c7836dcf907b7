/// The name and version reported by `/about/version`, `/colibri/stats` and presence.
public enum BridgeVersion {
    /// Product name.
    public static let name = "meetpad-bridge"
    /// Package version; bump with releases.
    public static let version = "0.1.0"
}

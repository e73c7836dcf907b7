/// Decides whether an audio packet marked silent may be dropped instead of forwarded, per
/// sending stream, as jitsi-videobridge does by default: a packet whose RFC 6464 level is 127
/// (muted/silence) is dropped once more than `forwardedSilentPacketsLimit` silent packets in a
/// row were forwarded; so with the default of 3, four are forwarded (enough for receivers to
/// hear the stream go quiet and for comfort noise to stop) and the rest of the run dropped. Any
/// non-silent packet starts over.
///
/// Dropped packets must not be reported to the `DominantSpeakerIdentifier` (the speaker then
/// fades out through its level-idle timeout, as in JVB).
public struct SilentAudioFilter: Sendable {
    /// The RFC 6464 level of silence.
    public static let silentLevel: UInt8 = 127
    /// JVB's `jmt.audio.level.forwarded-silence-packets-limit`.
    public static let jvbForwardedSilentPacketsLimit = 3

    public let forwardedSilentPacketsLimit: Int
    /// JVB's `jmt.audio.level.discard-silence` (on by default).
    public let isEnabled: Bool
    /// Silent packets forwarded since the last non-silent one (stops counting once dropping).
    public private(set) var forwardedSilentPackets = 0

    public init(forwardedSilentPacketsLimit: Int = jvbForwardedSilentPacketsLimit, isEnabled: Bool = true) {
        self.forwardedSilentPacketsLimit = forwardedSilentPacketsLimit
        self.isEnabled = isEnabled
    }

    /// Whether to drop a packet with this RFC 6464 level (the 7-bit value, 0 loudest … 127).
    public mutating func shouldDrop(level: UInt8) -> Bool {
        let silent = level == Self.silentLevel
        if silent && isEnabled && forwardedSilentPackets > forwardedSilentPacketsLimit { return true }
        forwardedSilentPackets = silent ? min(forwardedSilentPackets + 1, Int.max - 1) : 0
        return false
    }
}

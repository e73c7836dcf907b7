/// The constants of video allocation: the values jitsi-videobridge runs with by default
/// (`jvb/src/main/resources/reference.conf`, read at jitsi/jitsi-videobridge a29d97d, 2026-08), so a
/// default jitsi-meet client sees the same choices from this bridge as from JVB.
enum AllocationParameters {
    /// `videobridge.cc.initial-max-height-px` = 0: the default `maxHeight` before the receiver's first
    /// `ReceiverVideoConstraints`. JVB starts every receiver with it (`AllocationSettingsWrapper`,
    /// `BandwidthAllocator`), so no video is forwarded until the client says what it shows; reference.conf
    /// explains that forwarding earlier races the client's setup and causes PLI storms.
    static let initialMaxHeightPx = 0

    /// `videobridge.cc.default-max-height-px` = 180: the default `maxHeight` taken when the receiver's *first*
    /// message has no `defaultConstraints`. Later messages without it keep the earlier value.
    static let defaultMaxHeightPx = 180

    /// `videobridge.cc.initial-last-n` = -1: lastN before the receiver sets one (-1 is unlimited).
    static let initialLastN = -1

    /// `videobridge.ssrc-limit.video` = 50: JVB folds this into the effective lastN (`calculateLastN`), so even
    /// with lastN -1 at most this many video sources are forwarded to one receiver.
    static let maxForwardedVideoSources = 50

    /// `videobridge.cc.onstage-preferred-height-px` = 360: on-stage sources are allocated greedily up to this
    /// height; for cameras, layers at or above it are considered only at the preferred frame rate.
    static let onStagePreferredHeightPx = 360

    /// `videobridge.cc.onstage-preferred-framerate` = 30: the frame rate a camera layer at or above the
    /// preferred height needs to be considered at all (JVB favours frame rate over resolution for cameras).
    static let onStagePreferredFrameRate = 30.0

    /// A camera constraint above this height (or unlimited) brings in the preferred height and frame rate;
    /// at or below it every temporal layer is a candidate. A literal in JVB (`getPreferred` in
    /// `SingleSourceAllocation.kt`), not a reference.conf key; it is the thumbnail height jitsi-meet asks for.
    static let thumbnailHeightPx = 180

    /// How far a measured frame rate may stray from the rate it is compared with. Layers' rates are
    /// frames counted over the last second, so they wobble by a frame or two: a 15 fps camera's
    /// 720p layer reads 14 in one second while its 180p layer reads 16, and a strict comparison
    /// dropped the 360p and 720p layers (below the "preferred" 16 fps) for that second, switching
    /// receivers to 180p and back. Temporal layers differ by a factor of two, so a quarter either
    /// way absorbs the wobble and never mistakes one layer for the next.
    static let frameRateTolerance = 0.25

    /// Whether a layer measured at `measured` fps runs at `target` fps.
    static func frameRate(_ measured: Double, reaches target: Double) -> Bool {
        measured >= target * (1 - frameRateTolerance)
    }

    /// Whether a layer measured at `measured` fps stays within a limit of `limit` fps.
    static func frameRate(_ measured: Double, isWithin limit: Double) -> Bool {
        measured <= limit * (1 + frameRateTolerance)
    }

    /// `videobridge.cc.allow-oversend-onstage` = true: an on-stage screen share at the top of the priority list
    /// may exceed the budget rather than go dark.
    static let allowOversendOnStage = true

    /// `videobridge.cc.max-oversend-bitrate` = 500 kbps: how far oversending may exceed the budget.
    static let maxOversendBitrateBps = 500_000

    /// `videobridge.cc.bwe-change-threshold` = 0.15: a new bandwidth estimate triggers reallocation only when it
    /// differs from the one last allocated with by more than this fraction of it.
    static let bandwidthChangeThreshold = 0.15

    /// `videobridge.cc.max-time-between-calculations` = 5 s: allocation re-runs at least this often, so
    /// changed layer bitrates are picked up even without a control event.
    static let maxMillisecondsBetweenAllocations: Int64 = 5_000

    /// Budgets are capped here so `budget + bitrate + oversend` can never overflow (a caller that does not trust
    /// its estimate may pass `Int.max`, as JVB's `trust-bwe = false` does with `Long.MAX_VALUE`).
    static let unlimitedBandwidthBps = 1 << 52
}

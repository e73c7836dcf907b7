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

    /// How far below the preferred frame rate a layer may run and still count as reaching it. A
    /// layer's rate is its encoding's (estimated from timestamps) halved per temporal layer left out,
    /// so layers of one encoding never disagree; but a loaded sender's encoders drop frames unevenly,
    /// and its 720p encoding may run at 24 fps while the 180p one keeps 30. Temporal layers differ
    /// by a factor of two, so a quarter absorbs that and never mistakes one layer for the next.
    static let preferredFrameRateTolerance = 0.25

    /// How far above a receiver's frame-rate limit a layer may run and still count as within it:
    /// enough for a 15 fps camera's timestamp jitter under a limit of 15, little enough that the
    /// 17 fps top layer of a CPU-starved 30 fps sender is not taken for the 15 fps one asked for.
    static let frameRateLimitTolerance = 0.1

    /// How far above a receiver's frame-rate limit the temporal layer it is forwarded may run
    /// before it is dropped: a layer taken at 16.4 fps under a limit of 15 stays until 18.75, so
    /// a loaded sender wavering between 16 and 18 fps does not flip the receiver between its
    /// full and half rate (seen as 13.8 fps decoded, a mix of both, in the VP9 SVC interop).
    static let forwardedFrameRateLimitTolerance = 0.25

    /// Whether a layer running at `rate` fps runs at `target` fps.
    static func frameRate(_ rate: Double, reaches target: Double) -> Bool {
        rate >= target * (1 - preferredFrameRateTolerance)
    }

    /// Whether a layer running at `rate` fps stays within a limit of `limit` fps; `isForwarded`
    /// for the temporal layer the receiver already gets (`forwardedFrameRateLimitTolerance`).
    static func frameRate(_ rate: Double, isWithin limit: Double, isForwarded: Bool = false) -> Bool {
        rate <= limit * (1 + (isForwarded ? forwardedFrameRateLimitTolerance : frameRateLimitTolerance))
    }

    /// `videobridge.cc.allow-oversend-onstage` = true: an on-stage screen share at the top of the priority list
    /// may exceed the budget rather than go dark.
    static let allowOversendOnStage = true

    /// `videobridge.cc.max-oversend-bitrate` = 500 kbps: how far oversending may exceed the budget.
    static let maxOversendBitrateBps = 500_000

    /// `videobridge.cc.bwe-change-threshold` = 0.15: a new bandwidth estimate triggers reallocation only when it
    /// differs from the one last allocated with by more than this fraction of it.
    static let bandwidthChangeThreshold = 0.15

    /// A layer above the one a receiver is forwarded is taken only when the budget has this much
    /// more than its measured bitrate; keeping a layer needs only its bitrate. Layers' rates move
    /// by 10-30 % from second to second (key frames, motion), and without the margin a receiver
    /// whose estimate sat at a boundary was switched 360p ↔ 720p every second, each way up paying
    /// a key frame (seen on a 2 Mbit/s link).
    static let upswitchBitrateMargin = 1.15

    /// `videobridge.cc.max-time-between-calculations` = 5 s: allocation re-runs at least this often, so
    /// changed layer bitrates are picked up even without a control event.
    static let maxMillisecondsBetweenAllocations: Int64 = 5_000

    /// Budgets are capped here so `budget + bitrate + oversend` can never overflow (a caller that does not trust
    /// its estimate may pass `Int.max`, as JVB's `trust-bwe = false` does with `Long.MAX_VALUE`).
    static let unlimitedBandwidthBps = 1 << 52
}

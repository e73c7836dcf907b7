import Colibri

/// What one receiver currently asks of video allocation: the sum of its `ReceiverVideoConstraints` messages
/// (docs/colibri2.md §4.4), the way JVB's `AllocationSettingsWrapper` accumulates them.
///
/// Before the first message JVB allocates with `videobridge.cc.initial-max-height-px`, which reference.conf
/// sets to 0: a receiver gets no video until it has said what it shows (`initial`). The first message then
/// brings `videobridge.cc.default-max-height-px` (180) as the default if it does not carry
/// `defaultConstraints` itself; jitsi-meet always does (`{maxHeight: 0}` plus per-source entries).
struct ReceiverConstraints: Sendable, Equatable {
    /// How many sources may be forwarded; negative is unlimited (JVB's bound of
    /// `AllocationParameters.maxForwardedVideoSources` still applies). Counted in sources, not endpoints.
    var lastN: Int
    /// Applies to every source without an entry in `perSource`, including sources that appear later.
    var defaultConstraints: VideoConstraints
    /// Constraints by source name; a message carrying `constraints` replaces the whole map.
    var perSource: [String: VideoConstraints]
    /// Sources on stage (large video): allocated first, and greedily up to the preferred layer.
    var onStageSources: [String]
    /// Sources to allocate before the speech order, after the on-stage ones (jitsi-meet: screen shares).
    var selectedSources: [String]
    /// The bandwidth the receiver asks the bridge to assume instead of its estimate; nil to use the estimate.
    /// JVB honours it only when `videobridge.cc.assumed-bandwidth-limit` is configured, which it is not by
    /// default (see `bandwidthBudget`).
    var assumedBandwidthBps: Int?
    /// Whether any message has been merged: the first one without `defaultConstraints` resets the default
    /// from the initial 0 to 180.
    private(set) var hasReceivedMessage: Bool

    /// The state before the receiver's first message: lastN unlimited, nothing forwarded, no lists.
    static let initial = ReceiverConstraints(
        lastN: AllocationParameters.initialLastN,
        defaultConstraints: VideoConstraints(maxHeight: AllocationParameters.initialMaxHeightPx),
        perSource: [:],
        onStageSources: [],
        selectedSources: [],
        assumedBandwidthBps: nil,
        hasReceivedMessage: false
    )

    /// Applies a message: each field present replaces the current value, absent ones keep it.
    ///
    /// The legacy endpoint-id lists (`onStageEndpoints`, `selectedEndpoints`) are ignored, as JVB's allocator
    /// ignores them: jitsi-meet sends source names, and an endpoint id would need the conference's source list
    /// to mean anything.
    /// - Returns: whether anything the allocator reads changed, i.e. whether to allocate again.
    @discardableResult
    mutating func merge(_ message: ReceiverVideoConstraints) -> Bool {
        var before = self
        before.hasReceivedMessage = true
        if let lastN = message.lastN { self.lastN = lastN }
        if let selected = message.selectedSources { selectedSources = selected }
        if let onStage = message.onStageSources { onStageSources = onStage }
        if let signalled = message.defaultConstraints {
            defaultConstraints = VideoConstraints(signalled)
        } else if !hasReceivedMessage {
            defaultConstraints = VideoConstraints(maxHeight: AllocationParameters.defaultMaxHeightPx)
        }
        if let signalled = message.constraints { perSource = signalled.mapValues(VideoConstraints.init) }
        if let assumed = message.assumedBandwidthBps { assumedBandwidthBps = assumed < 0 ? nil : assumed }
        hasReceivedMessage = true
        return self != before
    }

    /// The receiver's constraints for a source (before lastN, which the allocator applies).
    func constraints(for source: String) -> VideoConstraints {
        perSource[source] ?? defaultConstraints
    }

    /// The receiver's height limit for a source: -1 unlimited, 0 off.
    func maxHeight(for source: String) -> Int { constraints(for: source).maxHeight }

    /// The receiver's frame-rate limit for a source, nil if unlimited.
    func maxFrameRate(for source: String) -> Double? { constraints(for: source).maxFrameRate }

    /// The sources allocated ahead of the speech order, in priority order: on-stage ones, then selected ones,
    /// each once (JVB treats on-stage sources as selected with higher priority).
    var prioritizedSources: [String] {
        var names = onStageSources
        for name in selectedSources where !names.contains(name) { names.append(name) }
        return names
    }

    /// The bandwidth to allocate: the estimate, unless the bridge allows receivers to assume one
    /// (`assumedBandwidthLimitBps`, JVB's `videobridge.cc.assumed-bandwidth-limit`, unset by default) and this
    /// receiver did, in which case its assumption capped at that limit.
    func bandwidthBudget(estimatedBps: Int, assumedBandwidthLimitBps: Int? = nil) -> Int {
        guard let limit = assumedBandwidthLimitBps, let assumed = assumedBandwidthBps else { return estimatedBps }
        return min(assumed, limit)
    }
}

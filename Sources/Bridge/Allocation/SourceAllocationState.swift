/// One source's progress through an allocation run: its candidates and how far up them it has got.
struct SourceAllocationState: Sendable {
    let source: AllocationSource
    /// The receiver's constraints after lastN.
    let constraints: VideoConstraints
    let isOnStage: Bool
    let candidates: CandidateLayers
    /// Index into `candidates.layers` of the target; -1 while nothing is chosen.
    private(set) var targetIndex = -1

    /// Index into `candidates.layers` of the layer the receiver is forwarded now (-1: none of them).
    private let forwardedIndex: Int

    init(source: AllocationSource, constraints: VideoConstraints, isOnStage: Bool) {
        self.source = source
        self.constraints = constraints
        self.isOnStage = isOnStage
        candidates = CandidateLayers(source: source, constraints: constraints, isOnStage: isOnStage)
        forwardedIndex = candidates.layers.firstIndex { $0.selects(sameAs: source.forwardedLayer) } ?? -1
    }

    /// What layer `index` needs of the budget to be taken: its bitrate, with the up-switch margin
    /// above the layer forwarded now (`AllocationParameters.upswitchBitrateMargin`).
    private func neededBps(_ index: Int) -> Int {
        let rate = candidates.layers[index].bitrateBps
        return index > forwardedIndex && forwardedIndex >= 0
            ? Int(Double(rate) * AllocationParameters.upswitchBitrateMargin) : rate
    }

    /// The bitrate of the current target, 0 while there is none.
    var targetBitrateBps: Int { targetIndex >= 0 ? candidates.layers[targetIndex].bitrateBps : 0 }

    /// Whether the source got at least as far as its first step aims (trivially true without candidates).
    var hasReachedPreferred: Bool { candidates.preferredIndex.map { targetIndex >= $0 } ?? true }

    /// On for the receiver and being sent, but no layer fitted.
    var isSuspended: Bool {
        targetIndex < 0 && (candidates.layers.first.map { $0.bitrateBps > 0 } ?? false)
    }

    /// Moves the target up as far as `availableBps` (what is left of the budget on top of the current target)
    /// allows: an on-stage source with nothing yet goes straight up to its preferred layer, while anything
    /// else climbs one layer. A higher layer that costs no more than the new target is then taken for free.
    /// When `mayOversend` (the source heads the priority list) an on-stage screen share may also step up past
    /// the budget by up to `max-oversend-bitrate`, towards its oversend layer.
    /// - Returns: the change in this source's bitrate, to take off the remaining budget.
    mutating func improve(availableBps: Int, mayOversend: Bool) -> Int {
        let layers = candidates.layers
        guard !layers.isEmpty else { return 0 }
        let before = targetBitrateBps
        let ceiling = availableBps + before
        if targetIndex < 0, isOnStage, let preferred = candidates.preferredIndex {
            var index = 0
            while index <= preferred && neededBps(index) <= ceiling {
                targetIndex = index
                index += 1
            }
        } else if targetIndex + 1 < layers.count, targetIndex < 0 || !candidates.bitratesUnknown,
            neededBps(targetIndex + 1) < ceiling
        {
            targetIndex += 1
        }
        if targetIndex >= 0, layers[targetIndex].bitrateBps > 0 {
            let cost = layers[targetIndex].bitrateBps
            if let cheaper = layers.indices.last(where: { $0 > targetIndex && layers[$0].bitrateBps <= cost }) {
                targetIndex = cheaper
            }
        }
        if mayOversend, let oversendIndex = candidates.oversendIndex, targetIndex < oversendIndex {
            let limit = ceiling + AllocationParameters.maxOversendBitrateBps
            if let next = (targetIndex + 1...oversendIndex).first(where: { layers[$0].bitrateBps <= limit }) {
                targetIndex = next
            }
        }
        return targetBitrateBps - before
    }

    /// Takes the lowest layer whatever the budget; returns its bitrate (0 if it already had a layer
    /// or has none to take).
    mutating func keepLowestLayer() -> Int {
        guard targetIndex < 0, !candidates.layers.isEmpty else { return 0 }
        targetIndex = 0
        return targetBitrateBps
    }

    /// The decision for this source.
    var result: SourceAllocation {
        SourceAllocation(
            sourceName: source.sourceName,
            endpointID: source.endpointID,
            videoType: source.videoType,
            targetLayer: targetIndex >= 0 ? candidates.layers[targetIndex] : nil,
            idealLayer: candidates.layers.last,
            isOnStage: isOnStage,
            effectiveConstraints: constraints
        )
    }
}

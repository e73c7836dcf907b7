/// The allocator's result for one receiver: a decision per source, in allocation order (on-stage, then
/// selected, then speech order, muted sources last).
struct VideoAllocation: Sendable, Equatable {
    /// Every source the allocator was given, in allocation order.
    let sources: [SourceAllocation]
    /// The names of the forwarded sources, in allocation order (the `ForwardedSources` message's content).
    let forwardedSources: [String]
    /// The target layer of every forwarded source.
    let targetsBySource: [String: VideoLayer]
    /// Whether the targets add up to more than the budget (an on-stage screen share oversent).
    let isOversending: Bool
    /// Sources that are on for this receiver and being sent, but got no layer because the budget ran out.
    let suspendedSources: [String]
    /// The sum of the target layers' bitrates.
    let targetBitrateBps: Int
    /// The sum of the ideal layers' bitrates: what this receiver could use.
    let idealBitrateBps: Int

    init(sources: [SourceAllocation], isOversending: Bool, suspendedSources: [String]) {
        self.sources = sources
        self.isOversending = isOversending
        self.suspendedSources = suspendedSources
        var forwarded: [String] = []
        var targets: [String: VideoLayer] = [:]
        var targetBitrate = 0
        var idealBitrate = 0
        for source in sources {
            if let target = source.targetLayer {
                forwarded.append(source.sourceName)
                targets[source.sourceName] = target
                targetBitrate += target.bitrateBps
            }
            idealBitrate += source.idealLayer?.bitrateBps ?? 0
        }
        forwardedSources = forwarded
        targetsBySource = targets
        targetBitrateBps = targetBitrate
        idealBitrateBps = idealBitrate
    }

    /// Nothing forwarded; the state before the first allocation.
    static let empty = VideoAllocation(sources: [], isOversending: false, suspendedSources: [])

    /// The layer to forward a source up to, nil if it is not forwarded.
    func target(for sourceName: String) -> VideoLayer? { targetsBySource[sourceName] }

    /// The effective constraints by source name (see `SourceAllocation.effectiveConstraints`).
    var effectiveConstraints: [String: VideoConstraints] {
        Dictionary(sources.map { ($0.sourceName, $0.effectiveConstraints) }, uniquingKeysWith: { first, _ in first })
    }

    /// Whether forwarding would change between the two: the same sources with the same video types and the
    /// same target layers (encoding and temporal layer, not the bitrates measured this time), regardless of
    /// order. JVB reports a new allocation to the forwarding side only when this is false.
    func hasSameTargets(as other: VideoAllocation) -> Bool {
        guard sources.count == other.sources.count, isOversending == other.isOversending else { return false }
        var others: [String: SourceAllocation] = [:]
        for source in other.sources { others[source.sourceName] = source }
        return sources.allSatisfy { source in
            guard let match = others[source.sourceName] else { return false }
            return match.endpointID == source.endpointID && match.videoType == source.videoType
                && match.targetLayer?.encoding == source.targetLayer?.encoding
                && match.targetLayer?.temporal == source.targetLayer?.temporal
        }
    }
}

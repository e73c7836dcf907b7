/// Decides which video sources one receiver gets, and at which layer, within a bandwidth budget: the
/// algorithm of JVB's `BandwidthAllocator` (jvb `cc/allocation`, doc/allocation.md), re-derived here.
///
/// 1. Order: on-stage sources, then selected ones (each in the receiver's order), then the rest in speech
///    order; muted sources (`VideoType.none`) last whatever their selection.
/// 2. lastN: walking that order, the first lastN sources the receiver has not switched off (maxHeight 0)
///    keep their constraints; every later one, and every muted one, gets `.nothing`. JVB counts sources,
///    not endpoints, and a switched-off source does not use up a place.
/// 3. Climb: passes over the order, each improving every source that is on by one step (an on-stage source
///    straight to its preferred layer first), until a pass changes nothing. While an on-stage source has not
///    reached its preferred layer, the sources after it get nothing more, so a bandwidth increase goes to
///    the stage before thumbnails appear only to vanish again.
///
/// 4. Floor, settled before the climb: a camera heading the list whose lowest layer does not fit gets it
///    anyway, unless the budget is 0, and the rest then get nothing.
///
/// A pure function of its inputs, run on control events (constraints, sources, layer or bandwidth changes),
/// never per packet.
enum VideoAllocator {
    /// Allocates `availableBandwidthBps` (the estimate, or `ReceiverConstraints.bandwidthBudget`; pass
    /// `Int.max` not to limit) among `sources`.
    /// - Parameter sources: the other endpoints' video sources in conference speech order (dominant speaker's
    ///   first), never the receiver's own.
    static func allocate(
        sources: [AllocationSource], constraints: ReceiverConstraints, availableBandwidthBps: Int
    ) -> VideoAllocation {
        let ordered = prioritize(sources, first: constraints.prioritizedSources)
        guard !ordered.isEmpty else { return .empty }
        let limits = effectiveConstraints(ordered, constraints: constraints)
        let onStage = Set(constraints.onStageSources)
        var states = zip(ordered, limits).map { source, limit in
            SourceAllocationState(source: source, constraints: limit, isOnStage: onStage.contains(source.sourceName))
        }

        var remaining = min(availableBandwidthBps, AllocationParameters.unlimitedBandwidthBps)
        var isOversending = false
        // An estimate that fits nothing still leaves the receiver its most important camera (the
        // head of the list: on stage, else selected, else the dominant speaker) at the lowest
        // layer. Going dark would also leave probing no stream to pad on, so the estimate could
        // never climb back. It is taken before the climb, so what it leaves (nothing) is all the
        // rest may have: taken after, it came on top of a lesser camera that did fit. Screen
        // shares keep JVB's bounded oversending instead; a budget of 0 is the receiver's own
        // `assumedBandwidthBps`, and is obeyed.
        if availableBandwidthBps > 0, let head = states.indices.first(where: { !states[$0].constraints.isDisabled }),
            states[head].source.videoType == .camera,
            let lowest = states[head].candidates.layers.first, lowest.bitrateBps >= remaining
        {
            remaining -= states[head].keepLowestLayer()
            if remaining < 0 { isOversending = true }
        }
        var changed = true
        while changed {
            changed = false
            for index in states.indices where !states[index].constraints.isDisabled {
                let before = states[index].targetIndex
                // Only the head of the list may oversend, and only an on-stage screen share has room to.
                remaining -= states[index].improve(availableBps: remaining, mayOversend: index == 0)
                if states[index].targetIndex != before { changed = true }
                if remaining < 0 { isOversending = true }
                if states[index].isOnStage && !states[index].hasReachedPreferred { break }
            }
        }
        return VideoAllocation(
            sources: states.map(\.result),
            isOversending: isOversending,
            suspendedSources: states.filter(\.isSuspended).map(\.source.sourceName)
        )
    }

    /// `sources` with the enabled ones named in `first` moved to the front in that order, and the muted ones
    /// moved to the back; the rest keep their (speech) order.
    static func prioritize(_ sources: [AllocationSource], first names: [String]) -> [AllocationSource] {
        var rank: [String: Int] = [:]
        for (position, name) in names.enumerated() where rank[name] == nil { rank[name] = position }
        var chosen: [(rank: Int, position: Int, source: AllocationSource)] = []
        var others: [AllocationSource] = []
        var muted: [AllocationSource] = []
        for (position, source) in sources.enumerated() {
            if source.videoType == .none {
                muted.append(source)
            } else if let sourceRank = rank[source.sourceName] {
                chosen.append((sourceRank, position, source))
            } else {
                others.append(source)
            }
        }
        chosen.sort { ($0.rank, $0.position) < ($1.rank, $1.position) }
        return chosen.map(\.source) + others + muted
    }

    /// The constraints each source in `ordered` is allocated with: the receiver's, cut to `.nothing` for muted
    /// sources and for those beyond lastN.
    static func effectiveConstraints(
        _ ordered: [AllocationSource], constraints: ReceiverConstraints
    ) -> [VideoConstraints] {
        let limit = effectiveLastN(constraints.lastN)
        var admitted = 0
        return ordered.map { source in
            guard source.videoType != .none, admitted < limit else { return .nothing }
            let signalled = constraints.constraints(for: source.sourceName)
            if !signalled.isDisabled { admitted += 1 }
            return signalled
        }
    }

    /// lastN as JVB applies it: negative is unlimited, and both are bounded by the video SSRC limit.
    static func effectiveLastN(_ lastN: Int) -> Int {
        lastN < 0
            ? AllocationParameters.maxForwardedVideoSources
            : min(lastN, AllocationParameters.maxForwardedVideoSources)
    }

    /// Whether a new bandwidth estimate differs enough from the one last allocated with (nil: none yet) to
    /// allocate again (`videobridge.cc.bwe-change-threshold`). Small changes are ignored so the picture does
    /// not flap while the estimate ramps; other triggers, and the 5 s period, still catch up.
    static func isSignificantBandwidthChange(from previousBps: Int?, to currentBps: Int) -> Bool {
        guard let previousBps else { return true }
        guard previousBps != currentBps else { return false }
        guard previousBps > 0 else { return true }
        return Double(abs(currentBps - previousBps)) > Double(previousBps) * AllocationParameters.bandwidthChangeThreshold
    }
}

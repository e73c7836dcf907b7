/// The layers of one source worth allocating for one receiver, in the order allocation climbs them, with the
/// two marks the climb needs: how far an on-stage source goes in one go, and how far it may oversend.
///
/// The selection follows JVB's `SingleSourceAllocation.selectLayers` (read, not copied): only layers being
/// received count (unless none is, e.g. just after the source was signalled, so that one can be chosen and
/// forwarding starts as soon as media arrives); heights and frame rates above the constraints are dropped
/// except the lowest ones, which keep a source with no small enough layer visible; and cameras skip the
/// low-frame-rate layers at and above the preferred height, where screen shares keep them.
struct CandidateLayers: Sendable, Equatable {
    /// The candidates, low to high quality.
    let layers: [VideoLayer]
    /// Where an on-stage source's first step ends (nil without candidates). Lower-priority sources get
    /// nothing until an on-stage source reaches it.
    let preferredIndex: Int?
    /// The highest layer an on-stage screen share may be oversent up to; nil when it may not oversend.
    let oversendIndex: Int?
    /// Whether no layer is being received, so every bitrate reads 0: the climb then takes its first step only.
    let bitratesUnknown: Bool

    /// Nothing to forward.
    static let none = CandidateLayers(layers: [], preferredIndex: nil, oversendIndex: nil, bitratesUnknown: false)

    private init(layers: [VideoLayer], preferredIndex: Int?, oversendIndex: Int?, bitratesUnknown: Bool) {
        self.layers = layers
        self.preferredIndex = preferredIndex
        self.oversendIndex = oversendIndex
        self.bitratesUnknown = bitratesUnknown
    }

    /// The candidates of `source` under `constraints` (already cut to `.nothing` outside lastN).
    init(source: AllocationSource, constraints: VideoConstraints, isOnStage: Bool) {
        guard !constraints.isDisabled else {
            self = .none
            return
        }
        let received = source.layers.filter { $0.bitrateBps > 0 }
        let pool = received.isEmpty ? source.layers : received
        let frameRateLimit = FrameRateLimit(constraints: constraints, forwardedTemporal: source.forwardedTemporal)
        switch source.videoType {
        case .camera:
            self = Self.forCamera(pool, constraints: constraints, limit: frameRateLimit, bitratesUnknown: received.isEmpty)
        case .desktop, .desktopHighFrameRate:
            self = Self.forScreenShare(
                pool, constraints: constraints, limit: frameRateLimit, isOnStage: isOnStage, bitratesUnknown: received.isEmpty)
        case .none:
            self = .none
        }
    }

    /// Cameras favour frame rate: a layer at or above the preferred height (360p) is a candidate only at the
    /// preferred frame rate (30 fps, or the source's best if lower), so allocation climbs 180p at 7.5, 15 and
    /// 30 fps, then 360p/30, then 720p/30. With a thumbnail-sized limit (≤ 180p) there is no preference and
    /// every temporal layer up to the limit is a candidate. The preferred layer is the last one no taller than
    /// the preferred height (or the source's smallest height, when that is taller).
    private static func forCamera(
        _ pool: [VideoLayer], constraints: VideoConstraints, limit: FrameRateLimit, bitratesUnknown: Bool
    ) -> CandidateLayers {
        guard let minHeight = pool.map(\.height).min() else { return .none }
        let wantsPreferred = !constraints.heightIsLimited || constraints.maxHeight > AllocationParameters.thumbnailHeightPx
        let preferredHeight = wantsPreferred ? AllocationParameters.onStagePreferredHeightPx : minHeight
        // The preferred frame rate is capped by what the source offers (JVB, for VLA-signalled rates) and,
        // here also, by the receiver's limit: at ≤ 15 fps the preferred 360p layer becomes 360p/15. What
        // the source offers then means within that limit: a sender held to 24 fps offers 6/12/24, and a
        // 15 fps limit must prefer 720p/12, not drop every 360p and 720p layer for missing 15.
        var preferredFrameRate: Double? = nil
        if wantsPreferred {
            var rate = AllocationParameters.onStagePreferredFrameRate
            let offered = pool.filter(limit.allows)
            if let best = (offered.isEmpty ? pool : offered).map(\.frameRate).max(), best > 0 { rate = min(rate, best) }
            if let limit = constraints.maxFrameRate { rate = min(rate, limit) }
            preferredFrameRate = rate
        }
        let wanted = pool.filter { layer in
            if layer.height == minHeight { return true }
            guard constraints.allowsHeight(layer.height) else { return false }
            if layer.height < preferredHeight { return true }
            guard let preferredFrameRate, layer.frameRate > 0 else { return true }
            return AllocationParameters.frameRate(layer.frameRate, reaches: preferredFrameRate)
        }
        let layers = limit.filter(wanted)
        let preferredCeiling = max(preferredHeight, minHeight)
        return CandidateLayers(
            layers: layers,
            preferredIndex: layers.lastIndex { $0.height <= preferredCeiling },
            oversendIndex: nil,
            bitratesUnknown: bitratesUnknown
        )
    }

    /// Screen shares favour resolution: every frame rate is a candidate, the top layer is preferred (so an
    /// on-stage share takes all it can before anyone else gets anything), and on stage it may be oversent up
    /// to the cheapest layer of its highest resolution (typically 720p at the lowest frame rate).
    private static func forScreenShare(
        _ pool: [VideoLayer], constraints: VideoConstraints, limit: FrameRateLimit, isOnStage: Bool, bitratesUnknown: Bool
    ) -> CandidateLayers {
        var wanted = pool.filter { constraints.allowsHeight($0.height) }
        if wanted.isEmpty, let minHeight = pool.map(\.height).min() {
            wanted = pool.filter { $0.height == minHeight }
        }
        let layers = limit.filter(wanted)
        guard let tallest = layers.map(\.height).max() else { return .none }
        var oversendIndex: Int? = nil
        if isOnStage && AllocationParameters.allowOversendOnStage {
            for index in layers.indices where layers[index].height == tallest {
                if oversendIndex.map({ layers[index].bitrateBps < layers[$0].bitrateBps }) ?? true {
                    oversendIndex = index
                }
            }
        }
        return CandidateLayers(
            layers: layers, preferredIndex: layers.count - 1, oversendIndex: oversendIndex,
            bitratesUnknown: bitratesUnknown)
    }
}

import Colibri

/// An endpoint's signalled sources, indexed for the forwarding and feedback paths.
///
/// Updates carry the complete set and replace it (docs/colibri2.md §2.1). FID groups pair a
/// primary SSRC with its RTX SSRC; SIM groups list simulcast encodings (used once the bridge
/// selects layers).
struct EndpointSources {
    /// Every SSRC this endpoint declared, with its media kind.
    private(set) var kinds: [UInt32: MediaKind] = [:]
    /// RTX SSRC → primary SSRC.
    private(set) var primaryForRTX: [UInt32: UInt32] = [:]
    /// Primary SSRC → RTX SSRC.
    private(set) var rtxForPrimary: [UInt32: UInt32] = [:]
    /// The raw description, kept for diagnostics.
    private(set) var descriptions: [MediaSourceDescription] = []

    /// Replaces the whole set.
    mutating func replace(with sources: [MediaSourceDescription]) {
        var kinds: [UInt32: MediaKind] = [:]
        var primaryForRTX: [UInt32: UInt32] = [:]
        var rtxForPrimary: [UInt32: UInt32] = [:]
        for source in sources {
            let kind: MediaKind = source.type == .audio ? .audio : .video
            for ssrc in source.sources { kinds[ssrc.ssrc] = kind }
            for group in source.groups where group.semantics == "FID" && group.ssrcs.count == 2 {
                primaryForRTX[group.ssrcs[1]] = group.ssrcs[0]
                rtxForPrimary[group.ssrcs[0]] = group.ssrcs[1]
            }
        }
        self.kinds = kinds
        self.primaryForRTX = primaryForRTX
        self.rtxForPrimary = rtxForPrimary
        descriptions = sources
    }
}

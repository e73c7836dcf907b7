import Colibri

/// An endpoint's signalled sources, indexed for the forwarding and feedback paths.
///
/// Updates carry the complete set and replace it (docs/colibri2.md §2.1). FID groups pair a
/// primary SSRC with its RTX SSRC; SIM groups list simulcast encodings (used once the bridge
/// selects layers). Media is accepted only under these SSRCs, so the set is also what bounds
/// the per-SSRC state (statistics, packet caches, SRTP streams) an endpoint can make us keep.
struct EndpointSources {
    /// More SSRCs than this are refused. jicofo's own limit is 20 per participant
    /// (`max-ssrcs-per-user`); a browser sends 1 audio + 3 simulcast × 2 (RTX) = 7 per camera.
    static let maximumSSRCs = 64

    /// Every SSRC this endpoint declared, in a source or a group, with its media kind.
    private(set) var kinds: [UInt32: MediaKind] = [:]
    /// RTX SSRC → primary SSRC.
    private(set) var primaryForRTX: [UInt32: UInt32] = [:]
    /// Primary SSRC → RTX SSRC.
    private(set) var rtxForPrimary: [UInt32: UInt32] = [:]
    /// The raw description, kept for diagnostics.
    private(set) var descriptions: [MediaSourceDescription] = []

    enum UpdateError: Error { case tooManySSRCs(Int) }

    /// Whether the endpoint signalled `ssrc` (as a source or a group member).
    @inline(__always) func contains(_ ssrc: UInt32) -> Bool { kinds[ssrc] != nil }

    /// Replaces the whole set; refuses one with more than `maximumSSRCs` SSRCs, keeping the old set.
    mutating func replace(with sources: [MediaSourceDescription]) throws(UpdateError) {
        var kinds: [UInt32: MediaKind] = [:]
        var primaryForRTX: [UInt32: UInt32] = [:]
        var rtxForPrimary: [UInt32: UInt32] = [:]
        for source in sources {
            let kind: MediaKind = source.type == .audio ? .audio : .video
            for ssrc in source.sources { kinds[ssrc.ssrc] = kind }
            for group in source.groups {
                for ssrc in group.ssrcs { kinds[ssrc] = kind }
                guard group.semantics == "FID", group.ssrcs.count == 2 else { continue }
                primaryForRTX[group.ssrcs[1]] = group.ssrcs[0]
                rtxForPrimary[group.ssrcs[0]] = group.ssrcs[1]
            }
            guard kinds.count <= Self.maximumSSRCs else { throw .tooManySSRCs(kinds.count) }
        }
        self.kinds = kinds
        self.primaryForRTX = primaryForRTX
        self.rtxForPrimary = rtxForPrimary
        descriptions = sources
    }
}

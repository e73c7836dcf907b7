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
    /// The named video sources, with their encodings (built by `buildSources`).
    private(set) var video: [VideoSource] = []
    /// The named audio sources.
    private(set) var audio: [AudioSource] = []
    /// Primary or RTX SSRC → the encoding it belongs to.
    private(set) var encodingsBySSRC: [UInt32: VideoEncoding] = [:]
    /// Primary or RTX SSRC → the video source it belongs to.
    private(set) var videoSourcesBySSRC: [UInt32: VideoSource] = [:]
    /// SSRC → the audio source.
    private(set) var audioSourcesBySSRC: [UInt32: AudioSource] = [:]

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

    /// Builds the named sources of `descriptions` for `owner`. A source whose name and SSRCs are
    /// unchanged keeps its object (and so its measurements and every receiver's state for it);
    /// `nextKey` numbers new ones.
    mutating func buildSources(owner: Endpoint, nextKey: inout Int) {
        let previousVideo = Dictionary(video.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        let previousAudio = Dictionary(audio.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        video = []
        audio = []
        encodingsBySSRC = [:]
        videoSourcesBySSRC = [:]
        audioSourcesBySSRC = [:]
        for description in descriptions {
            switch description.type {
            case .audio:
                guard let ssrc = description.sources.first?.ssrc else { continue }
                let source: AudioSource
                if let old = previousAudio[description.id], old.ssrc == ssrc {
                    source = old
                } else {
                    source = AudioSource(key: nextKey, name: description.id, owner: owner, ssrc: ssrc)
                    nextKey += 1
                }
                audio.append(source)
                audioSourcesBySSRC[ssrc] = source
            case .video:
                let primaries = Self.encodingSSRCs(description, primaryForRTX: primaryForRTX)
                guard !primaries.isEmpty else { continue }
                let signalledType = description.sources.lazy.compactMap(\.videoType).first.flatMap(VideoType.init(signalled:))
                let source: VideoSource
                if let old = previousVideo[description.id], old.encodings.map(\.ssrc) == primaries {
                    source = old
                    if let signalledType { source.videoType = signalledType }
                } else {
                    let encodings = primaries.enumerated().map { index, ssrc in
                        VideoEncoding(index: index, ssrc: ssrc, rtxSSRC: rtxForPrimary[ssrc])
                    }
                    source = VideoSource(
                        key: nextKey, name: description.id, owner: owner, videoType: signalledType ?? .camera, encodings: encodings)
                    nextKey += 1
                }
                video.append(source)
                for encoding in source.encodings {
                    for ssrc in [encoding.ssrc, encoding.rtxSSRC].compactMap({ $0 }) {
                        encodingsBySSRC[ssrc] = encoding
                        videoSourcesBySSRC[ssrc] = source
                    }
                }
            }
        }
    }

    /// A video source's encodings, lowest first: its SIM group, or else its first SSRC that is
    /// not an RTX partner.
    private static func encodingSSRCs(_ description: MediaSourceDescription, primaryForRTX: [UInt32: UInt32]) -> [UInt32] {
        if let simulcast = description.groups.first(where: { $0.semantics == "SIM" }), !simulcast.ssrcs.isEmpty {
            return simulcast.ssrcs
        }
        let fecSSRCs = Set(description.groups.filter { $0.semantics.hasPrefix("FEC") }.compactMap { $0.ssrcs.dropFirst().first })
        let primary = description.sources.map(\.ssrc).first { primaryForRTX[$0] == nil && !fecSSRCs.contains($0) }
        return primary.map { [$0] } ?? []
    }

    /// The video source named `name`.
    func videoSource(named name: String) -> VideoSource? { video.first { $0.name == name } }
}

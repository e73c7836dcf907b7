import Colibri
import RTP

/// What one endpoint negotiated, as the focus signalled it in `<media>`: which payload types mean
/// audio, video or RTX, and which header-extension ids carry what. jicofo only ever adds payload
/// types and extensions (docs/colibri2.md §2.3), so updates merge.
struct EndpointMedia {
    /// What a payload type carries.
    struct PayloadInfo {
        var kind: MediaKind
        /// For an RTX payload type, the payload type it repairs (`apt`).
        var associatedPayloadType: UInt8?
        /// For video, the codec (layer selection reads VP8's payload descriptor).
        var codec: VideoCodec = .unknown
    }

    /// Payload type → what it carries; a flat table so the lookup per packet is an index.
    private(set) var payloads = [PayloadInfo?](repeating: nil, count: 128)
    /// Original payload type → this endpoint's RTX payload type for it.
    private(set) var rtxPayloadType = [UInt8?](repeating: nil, count: 128)
    /// Header-extension ids kept in packets on their way through (hop-by-hop rules, docs/colibri2.md
    /// §5.2): those forwarded unchanged, and the transport-wide sequence number and absolute send
    /// time, whose places each receiver's copy reuses for the bridge's own values.
    private(set) var forwardedExtensionIDs = RTPExtensionIDSet()
    /// The audio-level extension's id (RFC 6464: speech activity, silence dropping), if negotiated.
    private(set) var audioLevelExtensionID: UInt8?
    /// The transport-wide sequence number extension's id, if negotiated (transport-cc feedback).
    private(set) var transportCCExtensionID: UInt8?
    /// The absolute send time extension's id, if negotiated (delay-based estimation without transport-cc).
    private(set) var absSendTimeExtensionID: UInt8?
    /// The AV1 dependency descriptor's id, if negotiated: SVC layer selection reads it.
    private(set) var dependencyDescriptorExtensionID: UInt8?
    /// Whether the endpoint negotiated transport-cc feedback (`<rtcp-fb type="transport-cc">`).
    private(set) var usesTransportCC = false
    /// Whether a video payload type negotiated REMB (`goog-remb`): jicofo offers it to clients
    /// without transport-cc.
    private(set) var usesREMB = false
    /// Whether a video payload type negotiated PLI; keyframe requests are FIRs otherwise (RFC 5104).
    private(set) var usesPLI = false
    /// Whether any audio payload type was signalled.
    private(set) var acceptsAudio = false
    /// Whether any video payload type was signalled.
    private(set) var acceptsVideo = false

    /// Extensions that survive the hop: the level drives the receiver's speaker UI, orientation
    /// its rendering and the dependency descriptor AV1 decoding; everything else is per-hop.
    private static let forwardedURIs: Set<String> = [
        "urn:ietf:params:rtp-hdrext:ssrc-audio-level",
        "urn:3gpp:video-orientation",
        "https://aomediacodec.github.io/av1-rtp-spec/#dependency-descriptor-rtp-header-extension",
    ]

    /// Whether the bridge should tell this sender its uplink estimate by REMB: it asked for REMB
    /// and not transport-cc, and stamps the abs-send-time the estimate is made from.
    var wantsREMB: Bool { usesREMB && !usesTransportCC && absSendTimeExtensionID != nil }

    /// Merges one `<media>` description.
    mutating func merge(_ description: MediaDescription) {
        let kind: MediaKind = description.type == .audio ? .audio : .video
        for payloadType in description.payloadTypes where payloadType.id < 128 {
            var info = PayloadInfo(kind: kind, associatedPayloadType: nil)
            if kind == .video { info.codec = VideoCodec(name: payloadType.name) }
            if payloadType.rtcpFeedback.contains(where: { $0.type == "transport-cc" }) { usesTransportCC = true }
            if kind == .video, payloadType.rtcpFeedback.contains(where: { $0.type == "goog-remb" }) { usesREMB = true }
            if kind == .video, payloadType.rtcpFeedback.contains(where: { $0.type == "nack" && $0.subtype == "pli" }) { usesPLI = true }
            if payloadType.name.lowercased() == "rtx",
                let apt = payloadType.parameters.first(where: { $0.name == "apt" }).flatMap({ UInt8($0.value) }),
                apt < 128
            {
                info.associatedPayloadType = apt
                rtxPayloadType[Int(apt)] = payloadType.id
            }
            payloads[Int(payloadType.id)] = info
            if kind == .audio { acceptsAudio = true } else { acceptsVideo = true }
        }
        for ext in description.headerExtensions {
            if Self.forwardedURIs.contains(ext.uri) { forwardedExtensionIDs.insert(ext.id) }
            if ext.uri == RTPHeaderExtensionURI.audioLevel { audioLevelExtensionID = ext.id }
            if ext.uri == RTPHeaderExtensionURI.transportCC {
                transportCCExtensionID = ext.id
                forwardedExtensionIDs.insert(ext.id)
            }
            if ext.uri == RTPHeaderExtensionURI.absSendTime {
                absSendTimeExtensionID = ext.id
                forwardedExtensionIDs.insert(ext.id)
            }
            if ext.uri == RTPHeaderExtensionURI.av1DependencyDescriptor { dependencyDescriptorExtensionID = ext.id }
        }
    }

    /// What payload type `pt` carries, if it was signalled.
    @inline(__always) func payload(_ pt: UInt8) -> PayloadInfo? { pt < 128 ? payloads[Int(pt)] : nil }

    /// Whether this endpoint receives media of `kind`.
    @inline(__always) func accepts(_ kind: MediaKind) -> Bool { kind == .audio ? acceptsAudio : acceptsVideo }
}

/// Audio or video, as the forwarding path needs it.
enum MediaKind: Sendable { case audio, video }

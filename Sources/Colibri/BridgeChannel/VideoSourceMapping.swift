/// One entry of a `VideoSourcesMap`: which sender source a receiver's video slot now carries
/// (SSRC rewriting, docs/colibri2.md §5.5). The client adds `ssrc` and `rtx` to its remote
/// description as one FID group and moves the slot's track to `owner`/`source`.
public struct VideoSourceMapping: Sendable, Equatable {
    /// The source name, `<endpointId>-v<N>`.
    public var source: String
    /// The endpoint that sends the source.
    public var owner: String
    /// The slot's primary SSRC, chosen by the bridge.
    public var ssrc: UInt32
    /// The slot's RTX SSRC. Always a real SSRC: lib-jitsi-meet compares `rtx` with the string
    /// `'-1'`, so a missing RTX cannot be expressed and would leave the client without an FID group.
    public var rtx: UInt32
    /// The video type in the upper-case form the client expects (`CAMERA`, `DESKTOP`,
    /// `DESKTOP_HIGH_FPS`); the initializer upper-cases whatever it is given.
    public var videoType: String
    /// The MID the bridge stamps on the slot's packets, only for `rtp-mid-demux` receivers.
    public var mid: String?

    /// Creates a mapping; `videoType` is upper-cased.
    public init(source: String, owner: String, ssrc: UInt32, rtx: UInt32, videoType: String, mid: String? = nil) {
        self.source = source
        self.owner = owner
        self.ssrc = ssrc
        self.rtx = rtx
        self.videoType = videoType.uppercased()
        self.mid = mid
    }

    /// The JSON object for `mappedSources`.
    var jsonObject: [String: JSONValue] {
        var object: [String: JSONValue] = [
            "source": .string(source), "owner": .string(owner), "ssrc": .integer(Int(ssrc)), "rtx": .integer(Int(rtx)),
            "videoType": .string(videoType),
        ]
        if let mid { object["mid"] = .string(mid) }
        return object
    }
}

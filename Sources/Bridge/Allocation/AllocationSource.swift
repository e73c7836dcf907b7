/// One video source another endpoint sends, as the allocator sees it for one receiver.
struct AllocationSource: Sendable, Equatable {
    /// The source name (`<endpointId>-v0`), which the receiver's constraints use.
    var sourceName: String
    /// The endpoint sending it.
    var endpointID: String
    /// Cameras favour frame rate, screen shares resolution; `none` (muted) is never forwarded.
    var videoType: VideoType
    /// Every way the source can be forwarded, low to high quality: by encoding, then temporal layer. A layer
    /// whose `bitrateBps` is 0 is not being received at the moment.
    var layers: [VideoLayer]
    /// The layer the receiver is forwarded now (nil: none). Allocation holds on to it within
    /// wider margins than a layer taken anew needs, so measurements wavering at a boundary do
    /// not flip the receiver: a frame-rate limit (`FrameRateLimit`) and the budget
    /// (`AllocationParameters.upswitchBitrateMargin`).
    var forwardedLayer: VideoLayer?

    /// The temporal layer of `forwardedLayer`.
    var forwardedTemporal: Int? { forwardedLayer?.temporal }

    init(sourceName: String, endpointID: String, videoType: VideoType, layers: [VideoLayer], forwardedLayer: VideoLayer? = nil) {
        self.sourceName = sourceName
        self.endpointID = endpointID
        self.videoType = videoType
        self.layers = layers
        self.forwardedLayer = forwardedLayer
    }
}

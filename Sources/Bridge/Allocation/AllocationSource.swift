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

    init(sourceName: String, endpointID: String, videoType: VideoType, layers: [VideoLayer]) {
        self.sourceName = sourceName
        self.endpointID = endpointID
        self.videoType = videoType
        self.layers = layers
    }
}

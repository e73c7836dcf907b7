/// What the allocator decided for one source and one receiver.
struct SourceAllocation: Sendable, Equatable {
    var sourceName: String
    var endpointID: String
    var videoType: VideoType
    /// The layer to forward up to; nil when the source is not forwarded.
    var targetLayer: VideoLayer?
    /// The layer that would be forwarded with unlimited bandwidth; nil when the source is off for this
    /// receiver (maxHeight 0, outside lastN, or muted).
    var idealLayer: VideoLayer?
    /// Whether the receiver has the source on stage.
    var isOnStage: Bool
    /// The receiver's constraints after lastN: `.nothing` for sources cut by lastN or muted. The highest of
    /// these over all receivers is what the sender needs to encode (`SenderSourceConstraints`).
    var effectiveConstraints: VideoConstraints

    /// Whether the source is forwarded at all.
    var isForwarded: Bool { targetLayer != nil }
}

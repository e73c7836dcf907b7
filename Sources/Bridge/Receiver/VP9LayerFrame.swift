import RTP

/// What layer selection needs of a VP9 packet's payload descriptor (RFC 9628) when the stream has no
/// dependency descriptor: the layer frame's spatial and temporal layer and how it may be used. A
/// few bytes, copied per packet instead of the whole descriptor (which holds a scalability structure).
struct VP9LayerFrame: Sendable, Equatable {
    var spatial: Int
    var temporal: Int
    /// U: a temporal up-switch to this layer may happen here.
    var isSwitchingUp: Bool
    /// P = 0 on the base layer with B = 1: a key picture starts, which every layer can start from.
    var isKeyframeStart: Bool
    /// Z: the next spatial layer of the picture does not predict from this frame (K-SVC pictures
    /// after the key one), so a receiver of a higher layer does not need it.
    var isNotReferenceForUpperLayers: Bool
    var isEndOfFrame: Bool

    init(
        spatial: Int, temporal: Int, isSwitchingUp: Bool = false, isKeyframeStart: Bool = false,
        isNotReferenceForUpperLayers: Bool = false, isEndOfFrame: Bool = true
    ) {
        self.spatial = spatial
        self.temporal = temporal
        self.isSwitchingUp = isSwitchingUp
        self.isKeyframeStart = isKeyframeStart
        self.isNotReferenceForUpperLayers = isNotReferenceForUpperLayers
        self.isEndOfFrame = isEndOfFrame
    }

    /// A descriptor without layer indices is one layer: spatial 0, temporal 0.
    init(_ descriptor: VP9PayloadDescriptor) {
        self.init(
            spatial: Int(descriptor.spatialLayerID ?? 0), temporal: Int(descriptor.temporalLayerID ?? 0),
            isSwitchingUp: descriptor.isSwitchingUp, isKeyframeStart: descriptor.isKeyframeStart,
            isNotReferenceForUpperLayers: descriptor.isNotReferenceForUpperSpatialLayers,
            isEndOfFrame: descriptor.isEndOfFrame)
    }
}

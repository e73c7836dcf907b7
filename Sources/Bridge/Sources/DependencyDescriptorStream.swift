import RTP

/// The dependency descriptors of one SSRC that carries an SVC stream (AV1 or VP9 with all spatial
/// and temporal layers on one SSRC), read in arrival order. Sender-side state: the structure the
/// sender's latest key frame declared, and a generation that receivers compare with the one they
/// follow, because a new structure renumbers the decode targets.
struct DependencyDescriptorStream {
    private(set) var reader = AV1DependencyDescriptorReader()
    /// One more each time the structure changes (0 before the first one).
    private(set) var generation = 0

    /// Reads one packet's descriptor; on an error the state is unchanged.
    @inline(__always)
    mutating func read(_ bytes: UnsafeRawBufferPointer) throws(AV1DependencyDescriptorError) -> AV1FrameDescription {
        let frame = try reader.read(bytes)
        if frame.structureChanged { generation &+= 1 }
        return frame
    }

    /// The structure in effect, nil before the first key frame was seen.
    var structure: AV1TemplateStructure? { reader.structure }

    /// The decode targets the sender still sends (bit i: decode target i).
    var activeDecodeTargets: UInt32 { reader.activeDecodeTargets }

    /// The decode targets allocation may choose from: each active one's spatial and temporal
    /// layer, low to high, one per layer pair.
    func activeLayers() -> [(spatial: Int, temporal: Int)] {
        guard let structure else { return [] }
        var layers: [(spatial: Int, temporal: Int)] = []
        for target in 0..<structure.decodeTargetCount where activeDecodeTargets & (1 << UInt32(target)) != 0 {
            let (spatial, temporal) = structure.layers(ofDecodeTarget: target)
            if !layers.contains(where: { $0.spatial == Int(spatial) && $0.temporal == Int(temporal) }) {
                layers.append((Int(spatial), Int(temporal)))
            }
        }
        return layers.sorted { ($0.spatial, $0.temporal) < ($1.spatial, $1.temporal) }
    }

    /// The highest spatial layer of the structure, nil before the first one.
    var topSpatialLayer: Int? { structure.map { Int($0.maxSpatialID) } }

    /// The height of spatial layer `spatial` from the structure's render resolutions, if it has them.
    func renderHeight(ofSpatialLayer spatial: Int) -> Int? {
        structure?.renderResolution(spatialID: UInt8(clamping: spatial))?.height
    }
}

import Primitives
import RTP

/// One encoding of a video source as the sender sends it: a simulcast stream (an SSRC of the SIM
/// group, with its RTX partner), or the single stream of a non-simulcast or SVC source.
///
/// Sender-side state, updated by the sender's packets only; receivers read it when they allocate.
final class VideoEncoding {
    /// Position in the SIM group, 0 = lowest resolution.
    let index: Int
    let ssrc: UInt32
    let rtxSSRC: UInt32?
    /// Frame height from the newest key frame's bitstream header; 0 while unknown.
    var observedHeight = 0
    var meter = LayerRateMeter()
    /// The encoding's frame rate, all its temporal layers together.
    var frameRate = FrameRateEstimate()
    var lastPacketAt: Instant?
    /// When the packets last started after a pause (or first came): until the meter's second has
    /// passed since, what it measures is only part of the encoding's rate.
    private(set) var activeSince: Instant?
    /// The encoding's whole rate (every layer) when it was last measured over a full second: what
    /// it will cost again when a sender resumes it after pausing it (Chrome stops its top layer
    /// when its own uplink or CPU runs short, and restarts it at the same rate).
    var steadyBitrateBps = 0
    var lastKeyframeAt: Instant?
    /// Set once the encoding's packets carried dependency descriptors with an AV1 or VP9 payload:
    /// its layers are then the descriptor's decode targets, selected frame by frame.
    var isScalable = false
    var dependencyDescriptors = DependencyDescriptorStream()
    /// Spatial layer heights from a VP9 key picture's scalability structure (0: not told), for VP9
    /// SVC without dependency descriptors.
    private var vp9SpatialHeights = [Int](repeating: 0, count: LayerRateMeter.spatialLayers)

    init(index: Int, ssrc: UInt32, rtxSSRC: UInt32?) {
        self.index = index
        self.ssrc = ssrc
        self.rtxSSRC = rtxSSRC
    }

    /// Takes the spatial layer heights of a VP9 scalability structure (in place: no allocation).
    func noteSpatialHeights(_ structure: VP9ScalabilityStructure) {
        for layer in 0..<min(structure.spatialLayerCount, vp9SpatialHeights.count) {
            vp9SpatialHeights[layer] = structure.resolution(ofSpatialLayer: layer).map { Int($0.height) } ?? 0
        }
    }

    /// An SVC encoding's layers a receiver can be given: the active decode targets of its dependency
    /// descriptors, else every spatial and temporal layer seen; low to high.
    func scalableLayers() -> [(spatial: Int, temporal: Int)] {
        if dependencyDescriptors.structure != nil { return dependencyDescriptors.activeLayers() }
        var layers: [(spatial: Int, temporal: Int)] = []
        for spatial in 0...meter.highestSpatialLayer {
            for temporal in 0...meter.highestTemporalLayer { layers.append((spatial, temporal)) }
        }
        return layers
    }

    /// The highest spatial layer of an SVC encoding.
    var topSpatialLayer: Int { dependencyDescriptors.topSpatialLayer ?? meter.highestSpatialLayer }

    /// The height of spatial layer `spatial` of an SVC encoding: as its structure tells, else the
    /// 720p ladder halved per layer down, as browsers scale SVC layers (and simulcast encodings).
    func height(ofSpatialLayer spatial: Int) -> Int {
        if let height = dependencyDescriptors.renderHeight(ofSpatialLayer: spatial) { return height }
        if dependencyDescriptors.structure == nil, spatial < vp9SpatialHeights.count, vp9SpatialHeights[spatial] > 0 {
            return vp9SpatialHeights[spatial]
        }
        return VideoSource.ladderHeight(index: spatial, count: topSpatialLayer + 1)
    }

    /// Frames per second of `temporal` and the temporal layers below it: the encoding's rate halved
    /// per layer above. Every spatial layer of an SVC stream has the rate of its temporal units.
    func frameRate(upTo temporal: Int, of topTemporal: Int) -> Double {
        frameRate.framesPerSecond(upTo: temporal, of: topTemporal + 1)
    }

    /// Counts one packet of this encoding (media, not retransmissions).
    @inline(__always)
    func record(bytes: Int, timestamp: UInt32, spatialLayer: Int = 0, temporalLayer: Int, now: Instant) {
        if lastPacketAt.map({ now.milliseconds(since: $0) >= VideoSource.activityTimeoutMilliseconds }) ?? true {
            activeSince = now
        }
        lastPacketAt = now
        frameRate.note(timestamp: timestamp)
        meter.record(bytes: bytes, spatialLayer: spatialLayer, temporalLayer: temporalLayer, now: now)
    }
}

import Primitives

/// A named video source of an endpoint (`<endpoint>-v0` camera, `-v1` screen share) with its
/// encodings, as jicofo signals it: a SIM group lists the encodings low → high, FID groups pair
/// each with its RTX SSRC.
///
/// AV1 and VP9 senders signal a SIM group too but send every layer on its first SSRC: that encoding
/// is scalable, its layers the decode targets its dependency descriptors declare.
final class VideoSource {
    /// Unique within the engine, never reused: keys receivers' per-source state.
    let key: Int
    let name: String
    /// The sending endpoint; weak because receivers' projections may outlive it briefly.
    weak var owner: Endpoint?
    /// The sending endpoint's id (what maps name as `owner`).
    let ownerID: String
    var videoType: VideoType
    let encodings: [VideoEncoding]
    /// The codec seen on the wire: VP8's payload descriptor, or AV1's and VP9's dependency
    /// descriptor, drive layer selection.
    var codec: VideoCodec = .unknown
    /// The highest `SenderSourceConstraints` height told to the owner, to send only changes.
    var announcedMaxHeight: Int?

    init(key: Int, name: String, owner: Endpoint, videoType: VideoType, encodings: [VideoEncoding]) {
        self.key = key
        self.name = name
        self.owner = owner
        ownerID = owner.id
        self.videoType = videoType
        self.encodings = encodings
    }

    /// Whether media may be mapped and forwarded at all (a source of type none is muted).
    var isEnabled: Bool { videoType != .none }

    /// The height an encoding is assumed to have: its top spatial layer's for an SVC encoding,
    /// measured from key frames where the codec tells (VP8), else the simulcast ladder jitsi-meet
    /// configures (scale-down 4, 2, 1 of 720p), else 0 ("unknown", fits every positive constraint).
    func height(of encoding: VideoEncoding) -> Int {
        if encoding.isScalable {
            return encoding.height(ofSpatialLayer: encoding.topSpatialLayer)
        }
        if encoding.observedHeight > 0 { return encoding.observedHeight }
        guard encodings.count > 1 else { return 0 }
        return Self.ladderHeight(index: encoding.index, count: encodings.count)
    }

    /// The layers a receiver can be given now: every encoding that is being received, at each
    /// temporal layer seen on it (for an SVC encoding, each active decode target), with measured
    /// bitrate and the frame rate of its place on the temporal ladder. An encoding that started
    /// less than a measurement window ago has measured only part of its rate: on its first start
    /// it counts at least 1 bit/s rather than 0 ("not being sent"), so its first key frame can be
    /// forwarded at once; resumed after a pause, at least what it cost before (else a resumed 720p
    /// reads as nearly free and is given to a receiver with room for 180p).
    func layers(now: Instant) -> [VideoLayer] {
        var layers: [VideoLayer] = []
        for encoding in encodings {
            let isActive = encoding.lastPacketAt.map { now.milliseconds(since: $0) < Self.activityTimeoutMilliseconds } ?? false
            let isWarmingUp = isActive && encoding.activeSince.map { now.milliseconds(since: $0) < Self.measurementWindowMilliseconds } ?? false
            let meter = encoding.meter
            let scalable = encoding.isScalable ? encoding.scalableLayers() : []
            let topTemporal = scalable.map(\.temporal).max() ?? meter.highestTemporalLayer
            let topSpatial = scalable.map(\.spatial).max() ?? 0
            if isActive, !isWarmingUp {
                encoding.steadyBitrateBps = meter.bitrateBps(upToSpatial: topSpatial, temporal: topTemporal, now: now)
            }
            let floor = isWarmingUp ? max(encoding.steadyBitrateBps, 1) : (isActive ? 1 : 0)
            func layer(spatial: Int, temporal: Int, height: Int) -> VideoLayer {
                let measured = meter.bitrateBps(upToSpatial: spatial, temporal: temporal, now: now)
                return VideoLayer(
                    encoding: encoding.index, spatial: spatial, temporal: temporal, height: height,
                    frameRate: encoding.frameRate(upTo: temporal, of: topTemporal),
                    bitrateBps: max(measured, floor))
            }
            if scalable.isEmpty {
                for temporal in 0...meter.highestTemporalLayer {
                    layers.append(layer(spatial: 0, temporal: temporal, height: height(of: encoding)))
                }
            } else {
                for (spatial, temporal) in scalable {
                    let height = encoding.height(ofSpatialLayer: spatial)
                    layers.append(layer(spatial: spatial, temporal: temporal, height: height))
                }
            }
        }
        return layers
    }

    /// An encoding without packets for this long counts as stopped (JVB uses the same order).
    static let activityTimeoutMilliseconds: Int64 = 1000
    /// The `LayerRateMeter`'s window: an encoding active for less has not been measured whole.
    static let measurementWindowMilliseconds: Int64 = Int64(LayerRateMeter.bucketCount) * Int64(LayerRateMeter.bucketMilliseconds)

    /// The encoding with a primary or RTX SSRC of `ssrc`.
    func encoding(ssrc: UInt32) -> VideoEncoding? { encodings.first { $0.ssrc == ssrc || $0.rtxSSRC == ssrc } }

    static let ladderBaseHeight = 720

    /// 720p at the top, halved per step down (jitsi-meet's VP8 simulcast: 180, 360, 720).
    static func ladderHeight(index: Int, count: Int) -> Int {
        let stepsDown = max(count - 1 - index, 0)
        return ladderBaseHeight >> stepsDown
    }
}

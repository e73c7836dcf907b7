/// One layer a receiver can be forwarded, as a `CameraStream` sends it: a simulcast encoding (VP8)
/// or a spatial layer (AV1 SVC). Its frame size is what receivers' `maxHeight` selects by; its
/// packetization sets how many packets each receiver of the layer gets per frame.
struct CameraLayer {
    var width: Int
    var height: Int
    /// RTP packets per frame.
    var packetsPerFrame: Int
    /// RTP payload bytes per packet (codec headers and filler).
    var payloadBytes: Int

    init(width: Int, height: Int, packetsPerFrame: Int, payloadBytes: Int) {
        self.width = width
        self.height = height
        self.packetsPerFrame = packetsPerFrame
        self.payloadBytes = payloadBytes
    }

    /// The index of the layer a receiver asking for at most `maxHeight` gets when bandwidth is no
    /// limit: the highest one that fits, else the lowest (as the bridge, like JVB, never sends
    /// nothing to a receiver that asked for video).
    static func selected(from layers: [CameraLayer], maxHeight: Int) -> Int {
        layers.lastIndex { $0.height <= maxHeight } ?? 0
    }
}

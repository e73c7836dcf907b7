/// A sender's video as the forward benchmarks send it: plain RTP packets, one at a time in send
/// order, 30 frames (temporal units) per second, in one or more layers (`CameraLayer`).
///
/// `writeNext(into:)` runs in the measured loop, whose malloc count must be the bridge's alone:
/// a stream allocates nothing there (fixed arrays mutated in place, or packets precomputed).
protocol CameraStream: AnyObject {
    /// The layers a receiver can be forwarded, lowest first.
    var layers: [CameraLayer] { get }
    /// Packets of one frame over all layers.
    var packetsPerFrame: Int { get }
    /// Whether the next packet is the first of a frame (over all layers).
    var isAtFrameStart: Bool { get }
    /// Writes the next packet into `buffer` (2 KB holds any of them) and returns its
    /// length and the index of its layer.
    func writeNext(into buffer: UnsafeMutableRawBufferPointer) -> (length: Int, layer: Int)
}

extension CameraStream {
    /// 90 kHz ticks per frame at 30 fps.
    static var frameTicks: UInt32 { 3000 }
    static var frameNanoseconds: UInt64 { 33_333_333 }
    /// Simulated time between two packets: a frame's time shared evenly by its packets.
    var packetInterval: UInt64 { Self.frameNanoseconds / UInt64(packetsPerFrame) }
}

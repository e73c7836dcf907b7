/// What one receiving peer connection got, per sub-stream: a stream index (see `BenchStamp`)
/// and a VP8 temporal layer, `BenchStamp.substream(stream, temporal:)`.
final class ReceiveStats {
    /// Measured-window packets per sub-stream.
    var measured: [Int]
    /// The stamp counters of the first and last measured-window packet of each sub-stream
    /// (meaningful where `measured` is not 0): a forwarder that switched layers in the window
    /// owes only the packets between them.
    var firstCounter: [UInt32]
    var lastCounter: [UInt32]
    /// Measured-window packets of each sub-stream skipped while the forwarder sent another
    /// layer of the same sender (it switched away and back): not owed.
    var switchGaps: [Int]
    var packets = 0
    var bytes = 0
    var measuredPackets = 0
    var measuredBytes = 0
    var unstamped = 0
    var rtcp = 0
    var decryptFailures = 0
    /// Per sending participant: the video layer of its newest packet here, and how often that
    /// changed (a selective forwarder switched this receiver's encoding of it).
    private var currentLayer: [Int]
    private var layerChanges: [Int]
    /// Per sub-stream: `layerChanges` of its sender when its newest packet came.
    private var layerChangesAtLast: [Int]

    init(streams: Int) {
        let substreams = streams * BenchStamp.temporalLayers
        measured = Array(repeating: 0, count: substreams)
        firstCounter = Array(repeating: 0, count: substreams)
        lastCounter = Array(repeating: 0, count: substreams)
        switchGaps = Array(repeating: 0, count: substreams)
        layerChangesAtLast = Array(repeating: 0, count: substreams)
        let senders = (streams + MediaSender.streamsPerSender - 1) / MediaSender.streamsPerSender
        currentLayer = Array(repeating: -1, count: senders)
        layerChanges = Array(repeating: 0, count: senders)
    }

    /// Counts one stamped packet of `stream`/`temporal` with stamp counter `counter`.
    @inline(__always)
    func record(stream: Int, temporal: Int, counter: UInt32, measured isMeasured: Bool, bytes count: Int) {
        let substream = BenchStamp.substream(stream, temporal: temporal)
        let owner = stream / MediaSender.streamsPerSender
        let layer = stream % MediaSender.streamsPerSender - 1
        if layer >= 0, currentLayer[owner] != layer {
            currentLayer[owner] = layer
            layerChanges[owner] += 1
        }
        defer { layerChangesAtLast[substream] = layerChanges[owner] }
        guard isMeasured else { return }
        if measured[substream] == 0 {
            firstCounter[substream] = counter
        } else if layer >= 0, layerChangesAtLast[substream] != layerChanges[owner] {
            let skipped = Int(counter &- lastCounter[substream]) - 1
            if skipped > 0 { switchGaps[substream] += skipped }
        }
        lastCounter[substream] = counter
        measured[substream] += 1
        measuredPackets += 1
        measuredBytes += count
    }
}

/// Added latency (kernel receive time − send time) in 1 µs buckets up to 20 ms, then 100 µs
/// buckets up to 2 s; beyond that, the last bucket.
final class LatencyHistogram {
    private var buckets = [UInt32](repeating: 0, count: 20_000 + 19_800 + 1)
    private(set) var count = 0
    private(set) var maximumNanoseconds: Int64 = 0
    private(set) var negative = 0

    func record(nanoseconds: Int64) {
        guard nanoseconds >= 0 else { negative += 1; return }
        let micros = Int(nanoseconds / 1000)
        let index = micros < 20_000 ? micros : min(buckets.count - 1, 20_000 + (micros - 20_000) / 100)
        buckets[index] &+= 1
        count += 1
        if nanoseconds > maximumNanoseconds { maximumNanoseconds = nanoseconds }
    }

    /// The `fraction` quantile in microseconds (upper edge of its bucket).
    func quantileMicroseconds(_ fraction: Double) -> Double {
        guard count > 0 else { return 0 }
        let target = Int((Double(count) * fraction).rounded(.up))
        var seen = 0
        for (index, n) in buckets.enumerated() {
            seen += Int(n)
            if seen >= target {
                return index < 20_000 ? Double(index + 1) : Double(20_000 + (index - 20_000 + 1) * 100)
            }
        }
        return Double(maximumNanoseconds) / 1000
    }
}

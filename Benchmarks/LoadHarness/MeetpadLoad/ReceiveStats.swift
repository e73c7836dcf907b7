/// What one receiving peer connection got, per stream index (see `BenchStamp`).
final class ReceiveStats {
    /// Measured-window packets per stream index.
    var measured: [Int]
    var packets = 0
    var bytes = 0
    var measuredPackets = 0
    var measuredBytes = 0
    var unstamped = 0
    var rtcp = 0
    var decryptFailures = 0

    init(streams: Int) {
        measured = Array(repeating: 0, count: streams)
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

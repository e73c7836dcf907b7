// The rate that reached the receiver is the ground truth the delay-based controller decreases
// to, and the ceiling it may not run far ahead of. It is measured on the receiver's clock
// (arrival times), so the bottleneck's spacing, not the bridge's sending, sets it.
public import Primitives

/// Throughput of the packets the receiver acknowledged, over a sliding window of arrival time.
///
/// Bytes are summed into fixed 10 ms buckets in a preallocated ring, so adding a packet is a
/// couple of array writes and the window slides without a per-packet queue.
public struct AcknowledgedBitrateEstimator: Sendable {
    private let bucketNanoseconds: UInt64
    private var bucketIndices: [UInt64]
    private var bucketBytes: [Int]
    private var newestBucket: UInt64?
    private var firstBucket: UInt64?
    /// The window's length in buckets.
    private let windowBuckets: UInt64
    /// Below this much observed time the rate is too noisy to act on.
    private let minimumSpanBuckets: UInt64

    /// An estimator over `windowMilliseconds` of arrivals (500 ms: long enough to span several
    /// frames, short enough to follow a link that halves).
    public init(windowMilliseconds: Int = 500, bucketMilliseconds: Int = 10) {
        let bucket = max(1, bucketMilliseconds)
        bucketNanoseconds = UInt64(bucket) * 1_000_000
        windowBuckets = UInt64(max(1, windowMilliseconds / bucket))
        minimumSpanBuckets = max(1, UInt64(150 / bucket))
        bucketIndices = Array(repeating: .max, count: Int(windowBuckets))
        bucketBytes = Array(repeating: 0, count: Int(windowBuckets))
    }

    /// Adds an acknowledged packet of `size` bytes that arrived at `arrival` (receiver clock).
    public mutating func add(size: Int, arrival: Instant) {
        let index = arrival.nanoseconds / bucketNanoseconds
        if let newest = newestBucket, index + windowBuckets <= newest { return }  // older than the window
        let slot = Int(index % windowBuckets)
        if bucketIndices[slot] != index {
            bucketIndices[slot] = index
            bucketBytes[slot] = 0
        }
        bucketBytes[slot] += size
        newestBucket = max(newestBucket ?? index, index)
        firstBucket = min(firstBucket ?? index, index)
    }

    /// The acknowledged rate in bit/s, or nil before 150 ms of arrivals were seen.
    public var bitsPerSecond: Double? {
        guard let newest = newestBucket, let first = firstBucket else { return nil }
        let span = min(newest - first + 1, windowBuckets)
        guard span >= minimumSpanBuckets else { return nil }
        var bytes = 0
        for slot in 0..<bucketIndices.count {
            let index = bucketIndices[slot]
            if index != .max, index <= newest, index + span > newest { bytes += bucketBytes[slot] }
        }
        return Double(bytes) * 8 / (Double(span) * Double(bucketNanoseconds) / 1e9)
    }
}

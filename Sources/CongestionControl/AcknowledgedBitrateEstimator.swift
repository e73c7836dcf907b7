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
    /// The earliest and latest send time (bridge clock, ns) of each bucket's packets: how long
    /// the sender took to put out what arrived, against how long it took to arrive.
    private var bucketFirstSend: [UInt64]
    private var bucketLastSend: [UInt64]
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
        bucketFirstSend = Array(repeating: .max, count: Int(windowBuckets))
        bucketLastSend = Array(repeating: 0, count: Int(windowBuckets))
    }

    /// Adds an acknowledged packet of `size` bytes sent at `sendTime` (sender clock) that arrived
    /// at `arrival` (receiver clock).
    public mutating func add(size: Int, sendTime: Instant, arrival: Instant) {
        let index = arrival.nanoseconds / bucketNanoseconds
        if let newest = newestBucket, index + windowBuckets <= newest { return }  // older than the window
        let slot = Int(index % windowBuckets)
        if bucketIndices[slot] != index {
            bucketIndices[slot] = index
            bucketBytes[slot] = 0
            bucketFirstSend[slot] = .max
            bucketLastSend[slot] = 0
        }
        bucketBytes[slot] += size
        bucketFirstSend[slot] = min(bucketFirstSend[slot], sendTime.nanoseconds)
        bucketLastSend[slot] = max(bucketLastSend[slot], sendTime.nanoseconds)
        newestBucket = max(newestBucket ?? index, index)
        firstBucket = min(firstBucket ?? index, index)
    }

    /// The acknowledged rate in bit/s over the whole window, or nil before 150 ms of arrivals were seen.
    public var bitsPerSecond: Double? { rate(overBuckets: windowBuckets) }

    /// The rate over only the newest `milliseconds` of arrivals (at most the window, at least
    /// 150 ms), or nil before that much was seen. While the path is congested its bottleneck is
    /// busy, so this is its capacity now; the whole window still remembers the rate from before
    /// a link shrank for half a second.
    public func recentBitsPerSecond(overMilliseconds milliseconds: Int) -> Double? {
        let buckets = UInt64(max(1, milliseconds)) * 1_000_000 / bucketNanoseconds
        return rate(overBuckets: min(max(buckets, minimumSpanBuckets), windowBuckets))
    }

    /// The newest arrivals that measure a congested link's capacity: a few feedback intervals,
    /// short enough to hold only arrivals paced by the bottleneck soon after it shrank.
    public static let bottleneckWindowMilliseconds = 250

    /// The rate a decrease aims at (overuse, heavy loss). While the bottleneck is busy, what got
    /// through lately is its capacity; the whole window would still carry the rate from before a
    /// link shrank and take several decreases, a second or more, to get there. It was busy if it
    /// stretched the newest arrivals: they took clearly longer to arrive than to be sent. If not,
    /// the newest arrivals measure the sender (a lull in a camera, a starved receiver stamping a
    /// batch at once), and cutting to them would take a 2 Mbit/s link for 150 kbit/s.
    public var bottleneckBitsPerSecond: Double? {
        let whole = bitsPerSecond
        guard let recent = recentBitsPerSecond(overMilliseconds: Self.bottleneckWindowMilliseconds),
              newestArrivalsWereQueued(overMilliseconds: Self.bottleneckWindowMilliseconds)
        else { return whole }
        return min(recent, whole ?? recent)
    }

    /// How much longer than their sending the newest arrivals must have taken to show a queue.
    static let queuedStretch = 1.25

    private func newestArrivalsWereQueued(overMilliseconds milliseconds: Int) -> Bool {
        guard let newest = newestBucket else { return false }
        let buckets = min(UInt64(max(1, milliseconds)) * 1_000_000 / bucketNanoseconds, windowBuckets)
        var oldestArrival = UInt64.max
        var firstSend = UInt64.max
        var lastSend: UInt64 = 0
        for slot in 0..<bucketIndices.count {
            let index = bucketIndices[slot]
            guard index != .max, index <= newest, index + buckets > newest, bucketBytes[slot] > 0 else { continue }
            oldestArrival = min(oldestArrival, index)
            firstSend = min(firstSend, bucketFirstSend[slot])
            lastSend = max(lastSend, bucketLastSend[slot])
        }
        guard oldestArrival != .max, lastSend >= firstSend else { return false }
        // Bucket granularity: the arrival span is counted in whole buckets, less one to not
        // overstate it.
        let arrivalSpan = Double((newest - oldestArrival) * bucketNanoseconds)
        return arrivalSpan > Self.queuedStretch * Double(lastSend - firstSend)
    }

    /// The rate the delay-based controller acts on for `usage`: the bottleneck's while overusing,
    /// else the whole window's.
    public func controllingBitsPerSecond(for usage: BandwidthUsage) -> Double? {
        usage == .overusing ? bottleneckBitsPerSecond : bitsPerSecond
    }

    private func rate(overBuckets limit: UInt64) -> Double? {
        guard let newest = newestBucket, let first = firstBucket else { return nil }
        let span = min(newest - first + 1, limit)
        guard span >= minimumSpanBuckets else { return nil }
        var bytes = 0
        for slot in 0..<bucketIndices.count {
            let index = bucketIndices[slot]
            if index != .max, index <= newest, index + span > newest { bytes += bucketBytes[slot] }
        }
        return Double(bytes) * 8 / (Double(span) * Double(bucketNanoseconds) / 1e9)
    }
}

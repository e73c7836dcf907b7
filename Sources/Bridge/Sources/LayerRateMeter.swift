import Primitives

/// Bits and frames per second of one encoding, per temporal layer, over the last second.
///
/// Allocation needs what each layer costs (a receiver's budget) and gives (frame rate); both are
/// measured, because senders change them (congestion, `SenderSourceConstraints`, CPU). Ten
/// 100 ms buckets in preallocated arrays: recording a packet allocates nothing.
struct LayerRateMeter {
    /// VP8 carries at most four temporal layers (a 2-bit TID).
    static let temporalLayers = 4
    static let bucketCount = 10
    static let bucketMilliseconds: UInt64 = 100

    private var bytes = [Int](repeating: 0, count: bucketCount * temporalLayers)
    private var frames = [Int](repeating: 0, count: bucketCount * temporalLayers)
    /// The bucket number (milliseconds / 100) each bucket currently holds.
    private var bucketEpochs = [UInt64](repeating: .max, count: bucketCount)
    /// The highest TID seen, so allocation offers only layers that exist.
    private(set) var highestTemporalLayer = 0

    /// Counts one packet; `startsFrame` on the first packet of a frame seen.
    @inline(__always)
    mutating func record(bytes count: Int, temporalLayer: Int, startsFrame: Bool, now: Instant) {
        let layer = min(max(temporalLayer, 0), Self.temporalLayers - 1)
        if layer > highestTemporalLayer { highestTemporalLayer = layer }
        let epoch = now.nanoseconds / 1_000_000 / Self.bucketMilliseconds
        let bucket = Int(epoch % UInt64(Self.bucketCount))
        if bucketEpochs[bucket] != epoch {
            bucketEpochs[bucket] = epoch
            for index in bucket * Self.temporalLayers..<(bucket + 1) * Self.temporalLayers {
                bytes[index] = 0
                frames[index] = 0
            }
        }
        let index = bucket * Self.temporalLayers + layer
        bytes[index] &+= count
        if startsFrame { frames[index] &+= 1 }
    }

    /// Bits per second of temporal layers 0…`temporal` over the last second.
    func bitrateBps(upTo temporal: Int, now: Instant) -> Int { sum(bytes, upTo: temporal, now: now) * 8 }

    /// Frames per second of temporal layers 0…`temporal` over the last second.
    func frameRate(upTo temporal: Int, now: Instant) -> Double { Double(sum(frames, upTo: temporal, now: now)) }

    private func sum(_ values: [Int], upTo temporal: Int, now: Instant) -> Int {
        let newest = now.nanoseconds / 1_000_000 / Self.bucketMilliseconds
        let top = min(max(temporal, 0), Self.temporalLayers - 1)
        var total = 0
        for bucket in 0..<Self.bucketCount {
            let epoch = bucketEpochs[bucket]
            // The current bucket is partial and the oldest is about to be reused: a window of
            // the nine whole buckets before now, scaled to a second.
            guard epoch != .max, epoch < newest, newest - epoch < UInt64(Self.bucketCount) else { continue }
            for layer in 0...top { total &+= values[bucket * Self.temporalLayers + layer] }
        }
        return total * Self.bucketCount / (Self.bucketCount - 1)
    }
}

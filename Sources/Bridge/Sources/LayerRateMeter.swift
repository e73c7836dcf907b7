import Primitives

/// Bits per second of one encoding, per spatial and temporal layer, over the last second.
///
/// Allocation needs what each layer costs (a receiver's budget), and it is measured because senders
/// change it (congestion, `SenderSourceConstraints`, CPU); the frame rate a layer gives comes from
/// `FrameRateEstimate`, which timestamps make steadier than counting frames. A simulcast
/// encoding has spatial layer 0 only; an SVC stream (AV1, VP9) carries up to four on one SSRC.
/// Ten 100 ms buckets in preallocated arrays: recording a packet allocates nothing.
struct LayerRateMeter {
    /// AV1's spatial_id is 2 bits; VP8 and the SVC modes browsers use have at most four temporal layers.
    static let spatialLayers = 4
    static let temporalLayers = 4
    static let cellsPerBucket = spatialLayers * temporalLayers
    static let bucketCount = 10
    static let bucketMilliseconds: UInt64 = 100

    private var bytes = [Int](repeating: 0, count: bucketCount * cellsPerBucket)
    /// The bucket number (milliseconds / 100) each bucket currently holds.
    private var bucketEpochs = [UInt64](repeating: .max, count: bucketCount)
    /// The highest layers seen, so allocation offers only layers that exist.
    private(set) var highestTemporalLayer = 0
    private(set) var highestSpatialLayer = 0

    /// Counts one packet.
    @inline(__always)
    mutating func record(bytes count: Int, spatialLayer: Int = 0, temporalLayer: Int, now: Instant) {
        let temporal = min(max(temporalLayer, 0), Self.temporalLayers - 1)
        let spatial = min(max(spatialLayer, 0), Self.spatialLayers - 1)
        if temporal > highestTemporalLayer { highestTemporalLayer = temporal }
        if spatial > highestSpatialLayer { highestSpatialLayer = spatial }
        let epoch = now.nanoseconds / 1_000_000 / Self.bucketMilliseconds
        let bucket = Int(epoch % UInt64(Self.bucketCount))
        if bucketEpochs[bucket] != epoch {
            bucketEpochs[bucket] = epoch
            for index in bucket * Self.cellsPerBucket..<(bucket + 1) * Self.cellsPerBucket {
                bytes[index] = 0
            }
        }
        let index = bucket * Self.cellsPerBucket + spatial * Self.temporalLayers + temporal
        bytes[index] &+= count
    }

    /// Bits per second of spatial layers 0…`spatial` at temporal layers 0…`temporal` over the last
    /// second: what forwarding that layer costs when upper spatial layers depend on lower ones (for
    /// K-SVC an overestimate after the key frame, on the safe side).
    func bitrateBps(upToSpatial spatial: Int = 0, temporal: Int, now: Instant) -> Int {
        let layer = min(max(spatial, 0), Self.spatialLayers - 1)
        return sum(bytes, spatial: 0...layer, temporal: temporal, now: now) * 8
    }

    private func sum(_ values: [Int], spatial: ClosedRange<Int>, temporal: Int, now: Instant) -> Int {
        let newest = now.nanoseconds / 1_000_000 / Self.bucketMilliseconds
        let top = min(max(temporal, 0), Self.temporalLayers - 1)
        var total = 0
        for bucket in 0..<Self.bucketCount {
            let epoch = bucketEpochs[bucket]
            // The current bucket is partial and the oldest is about to be reused: a window of
            // the nine whole buckets before now, scaled to a second.
            guard epoch != .max, epoch < newest, newest - epoch < UInt64(Self.bucketCount) else { continue }
            for layer in spatial {
                let base = bucket * Self.cellsPerBucket + layer * Self.temporalLayers
                for temporal in 0...top { total &+= values[base + temporal] }
            }
        }
        return total * Self.bucketCount / (Self.bucketCount - 1)
    }
}

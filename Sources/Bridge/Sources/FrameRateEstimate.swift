/// A stream's frame rate from its RTP timestamps: 90 kHz divided by a moving average of the
/// interval between consecutive frames.
///
/// Allocation compares layers' frame rates with receivers' limits and with the preferred rate.
/// Counting frames per second, as the layer meter does, reads a steady 15 fps camera as 13.3 to
/// 16.7 (whole frames in 0.9 s) and gives each layer its own wobble, so a 720p layer could miss a
/// limit its 360p twin met and the receiver's target flipped from one second to the next.
/// Timestamps are the capture clock: their intervals average to the sender's real rate, and every
/// layer's rate then follows from its place on the temporal ladder.
struct FrameRateEstimate {
    /// RTP video clock rate (RFC 3551: 90 kHz for every video payload format).
    static let clockRate = 90_000.0
    /// A frame's weight in the average: about the last 16 frames count, so a sender's change of
    /// rate shows within a second while alternating 33 ms and 67 ms intervals read as a steady 20 fps.
    static let weight = 1.0 / 16
    /// Longer gaps are pauses (mute, congestion, lost frames), not the frame rate.
    static let longestInterval: UInt32 = 90_000 / 2

    /// The mean interval between frames in clock ticks; 0 before the first interval.
    private(set) var meanInterval = 0.0
    private var newestTimestamp: UInt32?

    /// Takes a packet's timestamp. Packets of the newest frame and of older (reordered) frames
    /// change nothing; a newer frame adds its step from the newest, unless that is a pause.
    @inline(__always)
    mutating func note(timestamp: UInt32) {
        guard let newest = newestTimestamp else {
            newestTimestamp = timestamp
            return
        }
        let step = Int32(bitPattern: timestamp &- newest)
        guard step > 0 else { return }
        newestTimestamp = timestamp
        guard UInt32(step) <= Self.longestInterval else { return }
        let interval = Double(step)
        meanInterval = meanInterval == 0 ? interval : meanInterval + (interval - meanInterval) * Self.weight
    }

    /// Frames per second of the whole stream; 0 while unknown.
    var framesPerSecond: Double { meanInterval > 0 ? Self.clockRate / meanInterval : 0 }

    /// Frames per second up to temporal layer `temporal` of `temporalLayers`: browsers' temporal
    /// ladders (L1T2, L1T3, VP8's three layers) halve the rate with each layer left out.
    func framesPerSecond(upTo temporal: Int, of temporalLayers: Int) -> Double {
        let layersLeftOut = max(temporalLayers - 1 - max(temporal, 0), 0)
        return framesPerSecond / Double(1 << min(layersLeftOut, 8))
    }
}

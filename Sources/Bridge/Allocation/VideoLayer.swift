/// One way a video source can be forwarded: an encoding (a simulcast stream) at a spatial layer (SVC
/// streams carry several on one encoding) up to a temporal layer, with what it costs and gives.
struct VideoLayer: Sendable, Equatable {
    /// The encoding index, 0 = lowest resolution.
    var encoding: Int
    /// The spatial layer within the encoding (0 for simulcast and single-layer streams).
    var spatial: Int
    /// The highest temporal layer included, 0 = base.
    var temporal: Int
    /// The frame height in pixels (the smaller dimension for portrait is not special-cased: jitsi-meet's
    /// `maxHeight` is compared with this).
    var height: Int
    /// Frames per second when forwarded up to `temporal`.
    var frameRate: Double
    /// Measured bits per second of this encoding up to `temporal`; 0 when the sender is not sending it.
    var bitrateBps: Int

    init(encoding: Int, spatial: Int = 0, temporal: Int, height: Int, frameRate: Double, bitrateBps: Int) {
        self.encoding = encoding
        self.spatial = spatial
        self.temporal = temporal
        self.height = height
        self.frameRate = frameRate
        self.bitrateBps = bitrateBps
    }

    /// Whether `other` forwards the same frames (encoding, spatial and temporal layer), whatever
    /// the measured rates say.
    func selects(sameAs other: VideoLayer?) -> Bool {
        guard let other else { return false }
        return encoding == other.encoding && spatial == other.spatial && temporal == other.temporal
    }

    /// "720p/30 (1500 kbit/s)", for logs.
    var summary: String { "\(height)p/\((frameRate * 10).rounded() / 10) (\(bitrateBps / 1000) kbit/s)" }
}

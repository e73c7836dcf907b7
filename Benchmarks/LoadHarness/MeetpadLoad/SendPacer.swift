/// When a simulated sender's next video packet may leave, as libwebrtc's pacer decides it: a
/// leaky bucket drained at `factor` times the sender's video bitrate (libwebrtc's default pacing
/// factor is 2.5) that may run into a debt of up to `burstInterval` of that rate (libwebrtc's
/// `PacingController::kDefaultBurstInterval`, 40 ms). A delta frame leaves in one burst; a key
/// frame larger than the allowed debt leaves partly in a burst and the rest at the pacing rate.
///
/// `factor` 0 sends every packet as soon as its frame is due. Plain state: it takes times and
/// sizes and returns times.
struct SendPacer {
    /// Nanoseconds one byte takes at the pacing rate; 0 without pacing.
    private let nanosecondsPerByte: Double
    private let burstInterval: UInt64
    /// When the bucket will have drained what was sent so far: the debt at `t` is
    /// `freeAt - t` at the pacing rate.
    private(set) var freeAt: UInt64 = 0

    init(videoKbps: Int, factor: Double, burstInterval: UInt64 = 40_000_000) {
        let bitsPerSecond = Double(videoKbps) * 1000 * factor
        nanosecondsPerByte = bitsPerSecond > 0 ? 8e9 / bitsPerSecond : 0
        self.burstInterval = burstInterval
    }

    /// The time the next packet of a frame due at `due` may leave: once the debt is below the
    /// burst allowance.
    func nextSendTime(due: UInt64) -> UInt64 {
        max(due, freeAt > burstInterval ? freeAt - burstInterval : 0)
    }

    /// The send time of a packet of `bytes` whose frame is due at `due`, and that packet counted
    /// against the bucket.
    mutating func schedule(bytes: Int, due: UInt64) -> UInt64 {
        let sendAt = nextSendTime(due: due)
        freeAt = max(freeAt, sendAt) + UInt64(Double(bytes) * nanosecondsPerByte)
        return sendAt
    }
}

/// Where in a period the k-th sender's periodic events fall (frames after the period's start,
/// or nanoseconds into a frame interval), as a fraction of the period: golden-ratio steps spread
/// any number of senders evenly over any period, as independent clients' clocks are spread.
/// Steps by sender, not by participant index: S1 numbers a group's sender every 11th, and
/// multiples of 11 golden-ratio steps bunch up (the widest gap between 48 such senders is 6.6
/// times the even spacing; between 48 consecutive ones, 1.7).
enum SenderPhase {
    static func fraction(ofSender ordinal: Int) -> Double {
        (Double(ordinal) * 0.618_033_988_75).truncatingRemainder(dividingBy: 1)
    }
}

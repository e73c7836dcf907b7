// Senders that negotiated goog-remb but not transport-cc (aiortc, older clients) never tell the
// bridge when their packets arrived, so the bridge must judge their uplink itself and tell them
// the result in REMB. The delay-based chain is the same one DownlinkEstimator runs on feedback;
// only the inputs differ: send times come from the sender's abs-send-time stamps and arrival
// times from the bridge's own clock.
public import Primitives

/// The bandwidth estimate for one sender's uplink into the bridge, measured on the receive side
/// from abs-send-time and arrival times, for the bridge to send back as REMB. Plain state: no
/// clock, no timers.
///
/// There is no loss-based part: from the receive side, a missing sequence number is a loss or a
/// packet still on its way (reordering, retransmission), and telling them apart takes a reorder
/// window and per-packet bookkeeping this estimator does not keep. The sender's own loss-based
/// control (from RTCP receiver reports) covers loss; REMB is only its delay-based upper bound.
///
/// Application-limited senders (sending less than the estimate, as a paused or low-motion camera
/// does) are handled as in `DownlinkEstimator`: the estimate may grow to 1.5 × the incoming rate,
/// not past it, and is never cut for a sender that merely sends less.
public struct UplinkEstimator: Sendable {
    /// The rate controller's configuration.
    public let configuration: AIMDRateController.Configuration
    private var unwrapper = AbsoluteSendTimeUnwrapper()
    private var detector = DelayBasedDetector()
    private var rateController: AIMDRateController
    private var incoming = AcknowledgedBitrateEstimator()
    private var lastArrival: Instant?
    private var packetsSinceUpdate = 0

    /// A sender silent for this long restarts the delay measurement: its send times may have
    /// jumped by more than the unwrapper can place (half of abs-send-time's 64 s period), and
    /// the last groups before the pause say nothing about the path after it.
    static let streamTimeoutNanoseconds: UInt64 = 2_000_000_000

    /// An estimator at `configuration.initialBitsPerSecond` (2.5 Mbit/s by default). As a REMB
    /// value that is only an upper bound on the sender, which starts lower on its own.
    public init(configuration: AIMDRateController.Configuration = .init()) {
        self.configuration = configuration
        rateController = AIMDRateController(configuration: configuration)
    }

    /// The estimate to send as REMB, bit/s.
    public var bitsPerSecond: Double { rateController.bitsPerSecond }
    /// The rate the sender's packets arrived at over the last 500 ms, bit/s; nil before 150 ms
    /// of arrivals were seen.
    public var incomingBitsPerSecond: Double? { incoming.bitsPerSecond }
    /// The detector's latest judgement of the uplink.
    public var usage: BandwidthUsage { detector.usage }

    /// Takes one received packet: its abs-send-time value (24 bits), its arrival on the bridge's
    /// clock and its size in bytes (the whole UDP payload, as the sender's pacer counts it).
    /// Feed packets in arrival order. Allocates nothing except after a stream timeout.
    public mutating func add(absSendTime: UInt32, arrival: Instant, size: Int) {
        if let last = lastArrival, arrival.nanoseconds(since: last) > Self.streamTimeoutNanoseconds {
            restartDelayMeasurement()
        }
        lastArrival = max(lastArrival ?? arrival, arrival)
        packetsSinceUpdate += 1
        let sendTime = unwrapper.unwrap(absSendTime)
        incoming.add(size: size, sendTime: sendTime, arrival: arrival)
        detector.add(sendTime: sendTime, arrival: arrival)
    }

    /// Runs the rate controller on what the packets since the last call showed, and returns the
    /// new estimate in bit/s. Call it on a timer every 100–200 ms, not per packet: the controller
    /// paces its decreases by the round trip and its increases by the time between calls, and
    /// the detector needs several groups between calls for one judgement to mean anything.
    /// `roundTripMilliseconds` is the sender's round trip as the caller knows it (ICE or RTCP);
    /// 100 ms when unknown. Without packets since the last call the estimate is left as it is:
    /// a silent sender tested nothing.
    @discardableResult
    public mutating func update(now: Instant, roundTripMilliseconds: Double = 100) -> Double {
        guard packetsSinceUpdate > 0 else { return bitsPerSecond }
        packetsSinceUpdate = 0
        return rateController.update(
            usage: detector.usage, acknowledgedBitsPerSecond: incoming.controllingBitsPerSecond(for: detector.usage),
            roundTripMilliseconds: roundTripMilliseconds, now: now)
    }

    /// Forgets the send-time line and the measured rate, keeping the estimate: after a pause the
    /// sender resumes from wherever its clock is now and at whatever rate it chooses.
    private mutating func restartDelayMeasurement() {
        unwrapper = AbsoluteSendTimeUnwrapper()
        detector = DelayBasedDetector()
        incoming = AcknowledgedBitrateEstimator()
    }
}

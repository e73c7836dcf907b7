// RFC 3550 §6.4.1 and Appendix A.3/A.8: what a receiver tracks per incoming SSRC to fill the
// report blocks of its receiver reports: extended highest sequence number, loss (cumulative and
// per interval), interarrival jitter and the LSR/DLSR echo of the sender's last SR.

public import Primitives

/// Reception statistics for one incoming RTP stream.
public struct ReceiveStatistics: Sendable {
    /// The stream's SSRC.
    public let ssrc: UInt32
    /// The stream's RTP clock rate in Hz (48000 for Opus, 90000 for video).
    public let clockRate: UInt32

    var unwrapper = SequenceNumberUnwrapper()
    var lowestSequence: Int64 = 0
    /// The highest extended sequence number received (RFC 3550 A.1 cycles + max_seq).
    public private(set) var highestSequence: Int64 = 0
    /// Packets received, duplicates and retransmissions included (RFC 3550 A.3).
    public private(set) var packetsReceived: UInt64 = 0
    var expectedPrior: Int64 = 0
    var receivedPrior: UInt64 = 0
    /// Jitter × 16, the fixed-point form RFC 3550 A.8 keeps to avoid rounding drift.
    var jitterQ4: UInt32 = 0
    var lastTransit: UInt32 = 0
    var lastTimestamp: UInt32 = 0
    var hasTransit = false
    var lastSenderReport: UInt32 = 0
    var lastSenderReportArrival: Instant?

    /// Starts statistics for `ssrc` at `clockRate` Hz.
    public init(ssrc: UInt32, clockRate: UInt32) {
        self.ssrc = ssrc
        self.clockRate = clockRate
    }

    /// Packets expected from the lowest to the highest sequence number seen.
    public var packetsExpected: Int64 { packetsReceived == 0 ? 0 : highestSequence &- lowestSequence &+ 1 }
    /// Expected minus received; negative when duplicates outnumber losses.
    public var cumulativeLost: Int64 { packetsExpected &- Int64(truncatingIfNeeded: packetsReceived) }
    /// Interarrival jitter in RTP timestamp units.
    public var jitter: UInt32 { jitterQ4 >> 4 }
    /// Whether a packet arrived since the last report block was made.
    public var receivedSinceLastReport: Bool { packetsReceived != receivedPrior }

    /// Records one received packet.
    ///
    /// Jitter is updated only for packets that advance the sequence and carry a new timestamp,
    /// as libwebrtc does: retransmissions and the later packets of one video frame would
    /// otherwise count packetisation spread as network jitter.
    public mutating func record(sequenceNumber: UInt16, rtpTimestamp: UInt32, arrival: Instant) {
        let previousHighest = unwrapper.highest
        let extended = unwrapper.unwrap(sequenceNumber)
        packetsReceived &+= 1
        guard let previousHighest else {
            lowestSequence = extended
            highestSequence = extended
            updateJitter(rtpTimestamp: rtpTimestamp, arrival: arrival)
            return
        }
        if extended < lowestSequence { lowestSequence = extended }
        guard extended > previousHighest else { return }
        highestSequence = extended
        if rtpTimestamp != lastTimestamp { updateJitter(rtpTimestamp: rtpTimestamp, arrival: arrival) }
    }

    /// RFC 3550 A.8: J += (|D(i-1, i)| - J) / 16, in Q4 fixed point.
    mutating func updateJitter(rtpTimestamp: UInt32, arrival: Instant) {
        let transit = Self.rtpUnits(arrival, clockRate: clockRate) &- rtpTimestamp
        if hasTransit {
            let d = Int32(bitPattern: transit &- lastTransit).magnitude
            jitterQ4 = jitterQ4 &+ d &- ((jitterQ4 &+ 8) >> 4)
        }
        hasTransit = true
        lastTransit = transit
        lastTimestamp = rtpTimestamp
    }

    /// An instant on the monotonic clock in RTP units (mod 2^32), without overflowing 64 bits.
    static func rtpUnits(_ instant: Instant, clockRate: UInt32) -> UInt32 {
        let seconds = instant.nanoseconds / 1_000_000_000
        let nanos = instant.nanoseconds % 1_000_000_000
        let units = seconds &* UInt64(clockRate) &+ nanos &* UInt64(clockRate) / 1_000_000_000
        return UInt32(truncatingIfNeeded: units)
    }

    /// Records a sender report from this stream's sender, for LSR/DLSR.
    public mutating func recordSenderReport(ntpTimestamp: NTPTimestamp, arrival: Instant) {
        lastSenderReport = ntpTimestamp.middle32
        lastSenderReportArrival = arrival
    }

    /// Makes the report block for the next RR and starts a new loss interval (RFC 3550 A.3).
    public mutating func makeReportBlock(now: Instant) -> RTCPReportBlock {
        let expected = packetsExpected
        let expectedInterval = expected &- expectedPrior
        let receivedInterval = Int64(truncatingIfNeeded: packetsReceived &- receivedPrior)
        expectedPrior = expected
        receivedPrior = packetsReceived
        let lostInterval = expectedInterval &- receivedInterval
        let fraction: UInt8 = expectedInterval <= 0 || lostInterval <= 0
            ? 0 : UInt8(truncatingIfNeeded: Swift.min(255, (lostInterval << 8) / expectedInterval))

        var delay: UInt32 = 0
        if let arrival = lastSenderReportArrival {
            // DLSR is in units of 1/65536 s.
            delay = UInt32(truncatingIfNeeded: now.nanoseconds(since: arrival) &* 65536 / 1_000_000_000)
        }
        let lost = Swift.min(Swift.max(cumulativeLost, -0x80_0000), 0x7F_FFFF)
        return RTCPReportBlock(
            ssrc: ssrc, fractionLost: fraction, cumulativeLost: Int32(lost),
            extendedHighestSequenceNumber: UInt32(truncatingIfNeeded: highestSequence),
            jitter: jitter, lastSenderReport: lastSenderReport, delaySinceLastSenderReport: delay)
    }
}

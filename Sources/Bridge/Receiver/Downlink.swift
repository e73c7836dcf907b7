import CongestionControl
import Primitives
import RTP

/// The link from the bridge to one receiver, as transport-cc lets the bridge see it.
///
/// Header extensions are per hop (docs/colibri2.md §5.2): the receiver's transport-cc feedback
/// must be about the packets the bridge sent it, so every packet to it carries the bridge's own
/// transport-wide sequence number, from one counter per receiver. What was sent under each number
/// is remembered until feedback names it, and feedback drives the receiver's bandwidth estimate,
/// which allocation spends.
struct Downlink {
    /// The receiver's id for the transport-wide sequence number extension; nil when it did not
    /// negotiate transport-cc feedback (the element is then blanked in its packets).
    var extensionID: UInt8?
    /// The receiver's id for the absolute send time extension; nil when it did not negotiate it
    /// (the element is then blanked in its packets). Its delay-based estimate reads the bridge's
    /// send times, not the sender's.
    var absSendTimeExtensionID: UInt8?
    /// The number the next packet sent gets; advanced only when a packet really goes out, so the
    /// receiver never reports a number that was not sent as lost.
    private(set) var nextSequenceNumber: UInt16 = 1
    /// What was sent under each number, until feedback names it. It comes with the first
    /// numbered packet (an endpoint that only sends, or never negotiated transport-cc, holds
    /// none) and holds 256 packets (4 KB) until feedback falls behind that: a receiver reporting
    /// every 100 ms at 2.5 Mbit/s has about 30 waiting. It grows to 4096, 16 s of such a link,
    /// far beyond the 5 s a report may be late.
    private var sent: SentPacketHistory?
    static let sentHistoryCapacity = 4096
    static let initialSentHistoryCapacity = 256
    private(set) var estimator = DownlinkEstimator()
    /// When to probe the link above its estimate (with `--trust-bwe`).
    var prober = ProbeController()
    /// What the receiver's allocation would spend with unlimited bandwidth (its ideal), bit/s.
    var wantedBps = 0
    /// The padding rate the last allocation asked for; sent only while the link is not congested.
    var fillPaddingBps = 0.0
    /// The estimate last written to the debug log, so only real moves are logged.
    var loggedEstimateBps: Int?
    /// Audio bytes sent to the receiver, and where the last allocation's reading left them: audio
    /// shares the link, so allocation spends what it leaves of the estimate on video.
    var audioBytesSent: UInt64 = 0
    private var audioBytesAtReading: UInt64 = 0
    private var audioReadingAt: Instant?
    private(set) var audioBitsPerSecond = 0

    /// Takes a reading of the audio rate since the previous one (at least 500 ms apart).
    mutating func readAudioRate(now: Instant) -> Int {
        guard let last = audioReadingAt else {
            audioReadingAt = now
            audioBytesAtReading = audioBytesSent
            return audioBitsPerSecond
        }
        let milliseconds = now.milliseconds(since: last)
        guard milliseconds >= 500 else { return audioBitsPerSecond }
        audioBitsPerSecond = Int((audioBytesSent &- audioBytesAtReading) * 8 * 1000 / UInt64(milliseconds))
        audioBytesAtReading = audioBytesSent
        audioReadingAt = now
        return audioBitsPerSecond
    }
    /// Scratch for one feedback message, kept so their storage is reused. It grows to the longest
    /// message seen: a browser reports every 50–250 ms, tens of packets each at common rates, so
    /// a few KB; reserving room for `reportsPerMessage` up front took 72 KB a receiver.
    private var reports: [PacketReport] = []
    private var results: [PacketResult] = []
    /// Feedback messages taken; until the first there is no estimate.
    private(set) var feedbackMessages: UInt64 = 0

    /// Entries of one feedback message looked at; Chrome sends feedback every 50–250 ms, a few
    /// hundred packets at most. A longer message is judged on its first entries.
    static let reportsPerMessage = 1024

    /// Notes the packet just sent under `nextSequenceNumber`, `size` bytes long, in probe cluster
    /// `probeCluster` (-1: none).
    @inline(__always)
    mutating func noteSent(size: Int, now: Instant, probeCluster: Int = -1) {
        if sent == nil {
            sent = SentPacketHistory(capacity: Self.sentHistoryCapacity, initialCapacity: Self.initialSentHistoryCapacity)
        }
        sent!.recordSent(sequenceNumber: nextSequenceNumber, size: size, at: now, probeCluster: probeCluster)
        nextSequenceNumber &+= 1
    }

    /// Takes one transport-cc feedback message from the receiver, handled at `now`, and returns
    /// the new estimate in bit/s.
    @discardableResult
    mutating func handle(_ feedback: RTCPTransportCC, now: Instant) -> Int {
        reports.removeAll(keepingCapacity: true)
        results.removeAll(keepingCapacity: true)
        for entry in feedback.prefix(Self.reportsPerMessage) {
            reports.append(PacketReport(
                sequenceNumber: entry.sequenceNumber, arrival: entry.arrivalMicroseconds.map(Self.instant)))
        }
        sent?.resolve(reports, into: &results)
        feedbackMessages &+= 1
        return Int(estimator.feed(results: results, now: now))
    }

    /// Bytes this link's transport-cc state holds allocated: the sent-packet history and the
    /// feedback scratch.
    var allocatedBytes: Int {
        (sent?.capacity ?? 0) * SentPacketHistory.entryStride
            + reports.capacity * MemoryLayout<PacketReport>.stride + results.capacity * MemoryLayout<PacketResult>.stride
    }

    /// The estimate allocation may spend, bit/s; nil before the receiver's first feedback (JVB
    /// allocates without a limit until its estimator has something to say, too).
    var estimateBps: Int? { feedbackMessages > 0 ? Int(estimator.bitsPerSecond) : nil }

    /// Arrival times are on the receiver's clock, and only their differences count: shifted so
    /// that the earliest a 24-bit reference time can give (−2^23 × 64 ms) is still positive.
    private static func instant(_ microseconds: Int64) -> Instant {
        Instant(nanoseconds: UInt64(clamping: (microseconds &+ arrivalOffsetMicroseconds) &* 1_000))
    }

    private static let arrivalOffsetMicroseconds: Int64 = 1 << 40
}

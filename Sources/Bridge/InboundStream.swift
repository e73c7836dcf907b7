import Primitives
import RTP

/// What the bridge keeps for one SSRC an endpoint sends: receive statistics for receiver
/// reports and, for video, the packets that answer other endpoints' NACKs.
///
/// A class on purpose: the forwarding path looks a stream up once per packet and mutates it
/// through the reference. Mutating a struct in place inside a Dictionary goes through nested
/// `_modify` accessors whose coroutine frames are heap-allocated (3 mallocs a packet, measured
/// with the package-benchmark malloc counter); a stored property of a final class is not.
final class InboundStream {
    let kind: MediaKind
    /// Statistics for this SSRC's receiver-report block.
    var statistics: ReceiveStatistics
    /// Recently forwarded packets (video only). Allocated on the first packet forwarded to a
    /// receiver and released while the sender is unreachable (`releaseCache`), since it is most
    /// of an endpoint's memory.
    private(set) var cache: RTPPacketCache?
    /// The video source and encoding this SSRC belongs to (nil for audio or unsignalled).
    var videoSource: VideoSource?
    var encoding: VideoEncoding?
    /// The audio source this SSRC belongs to.
    var audioSource: AudioSource?
    /// The gaps in this SSRC's sequence numbers the bridge NACKs the sender for. Only video with
    /// an RTX payload type and an RTX SSRC has one: without RTX a sender cannot answer usefully.
    /// Allocated on the stream's first such packet, then kept for the stream's life.
    var retransmissionRequests: RetransmissionRequester?

    init(ssrc: UInt32, kind: MediaKind) {
        self.kind = kind
        statistics = ReceiveStatistics(ssrc: ssrc, clockRate: kind == .audio ? Self.audioClockRate : Self.videoClockRate)
    }

    /// Keeps a forwarded video packet for retransmission; audio is never retransmitted.
    @inline(__always)
    func remember(_ packet: UnsafeRawBufferPointer, sequenceNumber: UInt16, now: Instant) {
        guard kind == .video else { return }
        if cache == nil { cache = RTPPacketCache() }
        cache?.insert(packet, sequenceNumber: sequenceNumber, now: now)
    }

    /// Frees the packet cache; the next packet allocates a new one.
    func releaseCache() { cache = nil }

    /// Frees the packet cache once nothing was put in it for longer than it keeps a packet: every
    /// packet in it is too old to answer a NACK. An encoding receivers stopped being sent (the
    /// 720p one when everybody went to tile view) would otherwise keep its arena for good.
    func releaseCacheIfStale(now: Instant) {
        if cache?.isStale(at: now) == true { releaseCache() }
    }

    /// Bytes the packet cache holds allocated.
    var cacheBytes: Int { cache?.allocatedBytes ?? 0 }

    /// A ring as long as the packet cache (512 numbers, 12 KB a stream): a loss older than that
    /// is past any receiver's jitter buffer at video rates. A burst of more than 256 missing
    /// numbers is an outage a key frame repairs better than hundreds of retransmissions.
    static let retransmissionRequestConfiguration = RetransmissionRequester.Configuration(historyLength: 512, maxGap: 256)

    static let audioClockRate: UInt32 = 48_000
    static let videoClockRate: UInt32 = 90_000
}

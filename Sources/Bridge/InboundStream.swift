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
    /// Statistics for this SSRC's receiver-report block.
    var statistics: ReceiveStatistics
    /// Recently received packets (video only), allocated once on the stream's first packet.
    var cache: RTPPacketCache?

    init(ssrc: UInt32, kind: MediaKind) {
        statistics = ReceiveStatistics(ssrc: ssrc, clockRate: kind == .audio ? Self.audioClockRate : Self.videoClockRate)
        cache = kind == .video ? RTPPacketCache() : nil
    }

    static let audioClockRate: UInt32 = 48_000
    static let videoClockRate: UInt32 = 90_000
}

// The knobs of the bridge's NACK generator and why each default is what it is. The figures are
// in line with what libwebrtc's receiver-side NACK module and JVB's retransmission requester
// use (about 1000 tracked numbers, 10 requests per number, resend after a round trip), adjusted
// for a bridge that polls on its timer instead of on every packet.

extension RetransmissionRequester {
    /// Limits and delays of a `RetransmissionRequester`.
    public struct Configuration: Sendable, Equatable {
        /// How many sequence numbers behind the newest are remembered; a missing number that
        /// falls further behind is given up. Rounded up to a power of two (it sizes the ring)
        /// and capped at 16384, well inside the 32768 that wrap-aware comparison can tell apart.
        /// 1024 is a second of a 1000 packet/s stream, longer than any sender keeps packets.
        public var historyLength: Int
        /// A forward jump that leaves more than this many numbers missing is taken as a sender restart or SSRC
        /// reuse: everything is cleared and tracking restarts at the new number, instead of
        /// requesting hundreds of packets the sender never had. Capped by the ring size.
        public var maxGap: Int
        /// How long a gap may be reordering before its first request. Reordering on real paths
        /// is a packet or two within a few milliseconds; 5 ms costs little repair latency.
        public var reorderingDelayNanoseconds: UInt64
        /// Later packets that, once arrived, end the reordering wait early (the packet that
        /// revealed the gap counts). At video rates this usually beats the delay; at low rates
        /// the delay bounds the wait.
        public var reorderingPackets: Int
        /// Round trip assumed until the caller knows one (libwebrtc's default).
        public var defaultRoundTripNanoseconds: UInt64
        /// Floor on the retry interval: below it a retransmission cannot have come back even on
        /// a LAN, and a sender would see the same request on every tick.
        public var minimumRetryIntervalNanoseconds: UInt64
        /// Requests per missing number before it is given up.
        public var maxRequests: Int
        /// A missing number detected longer ago than this is given up: by then the receivers'
        /// jitter buffers have moved on and the sender's history has likely dropped it.
        public var maxAgeNanoseconds: UInt64
        /// Consecutive packets older than the whole history that make the requester resync
        /// to them: a sender that restarted with lower sequence numbers would otherwise be
        /// ignored until its numbers caught up (up to 32767 packets).
        public var staleResyncPackets: Int

        /// The defaults described on each property.
        public init(
            historyLength: Int = 1024, maxGap: Int = 1000,
            reorderingDelayNanoseconds: UInt64 = 5_000_000, reorderingPackets: Int = 3,
            defaultRoundTripNanoseconds: UInt64 = 100_000_000, minimumRetryIntervalNanoseconds: UInt64 = 20_000_000,
            maxRequests: Int = 10, maxAgeNanoseconds: UInt64 = 1_000_000_000, staleResyncPackets: Int = 8
        ) {
            self.historyLength = historyLength
            self.maxGap = maxGap
            self.reorderingDelayNanoseconds = reorderingDelayNanoseconds
            self.reorderingPackets = reorderingPackets
            self.defaultRoundTripNanoseconds = defaultRoundTripNanoseconds
            self.minimumRetryIntervalNanoseconds = minimumRetryIntervalNanoseconds
            self.maxRequests = maxRequests
            self.maxAgeNanoseconds = maxAgeNanoseconds
            self.staleResyncPackets = staleResyncPackets
        }

        /// The ring size: `historyLength` as a power of two between 32 and 16384.
        var ringCapacity: Int {
            var capacity = 32
            while capacity < Swift.min(historyLength, 16384) { capacity <<= 1 }
            return capacity
        }
    }
}

import CongestionControl
import Primitives
import Testing

/// The receive-side estimator: abs-send-time unwrapping, and the delay chain judging a sender's
/// uplink from send stamps and arrival times alone. Scenarios print their figures with a
/// `MEASURED:` prefix like the downlink scenarios.
@Suite struct UplinkEstimatorTests {
    /// The sender's clock starts 50 s in, so every scenario crosses abs-send-time's 64 s wrap.
    private static let senderOrigin = Instant(nanoseconds: 50_000_000_000)
    /// The bridge's clock is unrelated to the sender's.
    private static let bridgeOrigin = Instant(nanoseconds: 1_000_000_000_000)
    private static let packetSize = 1200

    /// abs-send-time of `instant`: (seconds × 2^18) mod 2^24, as Sources/RTP/AbsoluteSendTime.swift
    /// encodes it (this test target does not depend on RTP).
    private static func absSendTime(_ instant: Instant) -> UInt32 {
        let seconds = instant.nanoseconds / 1_000_000_000
        let fraction = instant.nanoseconds % 1_000_000_000
        return UInt32(truncatingIfNeeded: (seconds & 0x3F) << 18 | (fraction << 18) / 1_000_000_000)
    }

    /// Signed milliseconds from `earlier` to `later`.
    private static func milliseconds(_ later: Instant, minus earlier: Instant) -> Double {
        Double(Int64(bitPattern: later.nanoseconds &- earlier.nanoseconds)) / 1e6
    }

    /// A sender pacing 1200-byte packets at `sendBitsPerSecond` for `seconds`; `arrival` maps a
    /// packet's send time (on the bridge's clock) and size to its arrival. The estimator is
    /// updated every 100 ms of bridge time; returns (ms since start, estimate) per update.
    private static func simulate(
        seconds: Int64, sendBitsPerSecond: Double, arrival: (_ send: Instant, _ size: Int) -> Instant
    ) -> [(milliseconds: Int64, estimate: Double)] {
        var estimator = UplinkEstimator()
        var samples: [(milliseconds: Int64, estimate: Double)] = []
        let spacing = UInt64(Double(packetSize * 8) / sendBitsPerSecond * 1e9)
        let end = bridgeOrigin.adding(milliseconds: seconds * 1000)
        var nextUpdate = bridgeOrigin.adding(milliseconds: 100)
        var elapsed: UInt64 = 0
        while true {
            let send = bridgeOrigin.adding(nanoseconds: elapsed)
            let arrived = arrival(send, packetSize)
            while nextUpdate <= min(arrived, end) {
                samples.append((nextUpdate.milliseconds(since: bridgeOrigin), estimator.update(now: nextUpdate)))
                nextUpdate = nextUpdate.adding(milliseconds: 100)
            }
            guard arrived < end else { break }
            let stamp = absSendTime(senderOrigin.adding(nanoseconds: elapsed))
            estimator.add(absSendTime: stamp, arrival: arrived, size: packetSize)
            elapsed += spacing
        }
        return samples
    }

    private static func trace(_ samples: [(milliseconds: Int64, estimate: Double)]) -> String {
        samples.filter { $0.milliseconds % 1000 == 0 }.map { String(Int($0.estimate / 1000)) }.joined(separator: " ")
    }

    @Test func unwrapsAcrossTheSixtyFourSecondWrap() {
        var unwrapper = AbsoluteSendTimeUnwrapper()
        // 63.9 s to 64.1 s of sender time in 10 ms steps: the 24-bit value wraps at 64 s.
        var previous: Instant?
        for step in 0..<20 {
            let sent = Instant(nanoseconds: 63_900_000_000 + UInt64(step) * 10_000_000)
            let unwrapped = unwrapper.unwrap(Self.absSendTime(sent))
            if let previous {
                // One tick of the 6.18 format is 3.8 µs; truncation in encoding costs at most that.
                #expect(abs(Self.milliseconds(unwrapped, minus: previous) - 10) < 0.004)
            }
            previous = unwrapped
        }
    }

    @Test func reorderedPacketsGetEarlierInstantsEvenAcrossTheWrap() {
        var unwrapper = AbsoluteSendTimeUnwrapper()
        // Sent at 63.99, 64.01 (wrapped) and 64.00 s, received in that order.
        let first = unwrapper.unwrap(Self.absSendTime(Instant(nanoseconds: 63_990_000_000)))
        let third = unwrapper.unwrap(Self.absSendTime(Instant(nanoseconds: 64_010_000_000)))
        let second = unwrapper.unwrap(Self.absSendTime(Instant(nanoseconds: 64_000_000_000)))
        #expect(abs(Self.milliseconds(third, minus: first) - 20) < 0.004)
        #expect(abs(Self.milliseconds(second, minus: third) + 10) < 0.004)
        // The late packet did not move the anchor: the next one is placed from the newest.
        let fourth = unwrapper.unwrap(Self.absSendTime(Instant(nanoseconds: 64_020_000_000)))
        #expect(abs(Self.milliseconds(fourth, minus: third) - 10) < 0.004)
        // A value just below the last one before the wrap, arriving after it: earlier, not +64 s.
        let late = unwrapper.unwrap(Self.absSendTime(Instant(nanoseconds: 63_995_000_000)))
        #expect(abs(Self.milliseconds(late, minus: fourth) + 25) < 0.004)
    }

    @Test func reorderedBehindTheFirstPacketIsEarlierToo() {
        var unwrapper = AbsoluteSendTimeUnwrapper()
        let first = unwrapper.unwrap(Self.absSendTime(Instant(nanoseconds: 64_002_000_000)))
        let earlier = unwrapper.unwrap(Self.absSendTime(Instant(nanoseconds: 63_998_000_000)))
        #expect(abs(Self.milliseconds(earlier, minus: first) + 4) < 0.004)
    }

    @Test func unconstrainedSenderKeepsItsEstimate() {
        var jitter = SplitMix64(seed: 7)
        // 40 ms one-way plus up to 2 ms of jitter; 9.6 ms spacing keeps arrivals in order.
        let samples = Self.simulate(seconds: 10, sendBitsPerSecond: 1_000_000) { send, _ in
            send.adding(nanoseconds: 40_000_000 + UInt64(Double.random(in: 0...2, using: &jitter) * 1e6))
        }
        let lowest = samples.map { $0.estimate }.min() ?? 0
        print("MEASURED: uplink 1 Mbit/s unconstrained estimate kbit/s per second: \(Self.trace(samples))")
        // Nothing queues, so the detector never sees overuse and the estimate is never cut; it
        // may not grow either, as a sender at 1 Mbit/s is application limited below 1.5 Mbit/s.
        #expect(samples.count >= 99)
        #expect(lowest >= 1_200_000)
        #expect((samples.last?.estimate ?? 0) >= 1_200_000)
    }

    @Test func bottleneckDrivesTheEstimateDownWithinThreeSeconds() {
        let capacity = 500_000.0
        var linkFreeAt = Instant.zero
        // A FIFO served at 500 kbit/s behind 20 ms of propagation; the sender keeps pushing 2 Mbit/s.
        let samples = Self.simulate(seconds: 5, sendBitsPerSecond: 2_000_000) { send, size in
            let start = max(send.adding(milliseconds: 20), linkFreeAt)
            linkFreeAt = start.adding(nanoseconds: UInt64(Double(size * 8) / capacity * 1e9))
            return linkFreeAt
        }
        let below = samples.first { $0.estimate < 600_000 }?.milliseconds
        print("MEASURED: uplink 2 Mbit/s into 500 kbit/s: below 600 kbit/s after "
            + "\(below.map { "\($0) ms" } ?? "never"); estimate kbit/s per second: \(Self.trace(samples))")
        // The queue grows by 1.5 s per second, so the trend crosses the threshold as soon as the
        // trendline's window fills; the first decrease lands at 0.85 × the 500 kbit/s that got through.
        #expect(below.map { $0 <= 3000 } == true)
        #expect((samples.last?.estimate ?? .infinity) < 600_000)
    }
}

import Primitives

/// Bounds what NACKs can make the bridge resend to one receiver.
///
/// A NACK is a few bytes per lost packet and asks for up to 17 packets per entry, so a 1.2 KB
/// NACK can ask for thousands of retransmissions; unbounded, one participant could make the
/// media thread resend the same cached packets to it all day, starving every other conference.
/// Three limits, all per receiver: at most `perRequest` retransmissions per NACK packet, a byte
/// budget refilled at `bytesPerSecond` (a legitimate receiver at 10 % loss of a 2.5 Mbit/s
/// camera needs 250 kbit/s), and no repeat of the same packet within one round trip (the first
/// retransmission cannot have arrived yet, JVB suppresses the same way), up to 100 ms: the round
/// trip is one consent check's, which on a congested link may have waited in a full queue, while
/// the receiver re-asks after its own, shorter estimate; refusing every re-ask left a key frame
/// unrepaired until the receiver gave up on it, three seconds frozen, in interop.
///
/// Sans-IO: time comes in as `Instant`s. Its table is allocated once, with the receiver.
struct RetransmissionLimiter {
    static let perRequest = 100
    static let bytesPerSecond = 500_000  // 4 Mbit/s
    static let burstBytes = 125_000  // 250 ms of the budget
    /// Repeat suppression when the round trip is not known yet, and its floor.
    static let defaultRepeatIntervalNanoseconds: UInt64 = 100_000_000
    static let minimumRepeatIntervalNanoseconds: UInt64 = 20_000_000
    static let maximumRepeatIntervalNanoseconds: UInt64 = 100_000_000
    /// Recently resent packets remembered (a power of two); a collision only forgets one early.
    static let recentCapacity = 256

    enum Verdict { case allowed, repeated, overBudget }

    private var tokens = Self.burstBytes
    private var refilledAt: Instant?
    private var recentKeys: [UInt64]
    private var recentTimes: [Instant]

    init() {
        recentKeys = [UInt64](repeating: .max, count: Self.recentCapacity)
        recentTimes = [Instant](repeating: .zero, count: Self.recentCapacity)
    }

    /// Whether packet `sequenceNumber` of `ssrc`, `bytes` long, may be resent at `now`; an
    /// allowed one is charged and remembered.
    mutating func admit(ssrc: UInt32, sequenceNumber: UInt16, bytes: Int, now: Instant, roundTripNanoseconds: UInt64?) -> Verdict {
        let key = UInt64(ssrc) << 16 | UInt64(sequenceNumber)
        let slot = Self.slot(for: key)
        let window = min(
            max(roundTripNanoseconds ?? Self.defaultRepeatIntervalNanoseconds, Self.minimumRepeatIntervalNanoseconds),
            Self.maximumRepeatIntervalNanoseconds)
        if recentKeys[slot] == key, now.nanoseconds(since: recentTimes[slot]) < window { return .repeated }
        refill(now: now)
        guard tokens >= bytes else { return .overBudget }
        tokens -= bytes
        recentKeys[slot] = key
        recentTimes[slot] = now
        return .allowed
    }

    private mutating func refill(now: Instant) {
        guard let refilledAt else {
            self.refilledAt = now
            return
        }
        let elapsed = now.nanoseconds(since: refilledAt)
        let earned = Int(min(elapsed, 1_000_000_000) &* UInt64(Self.bytesPerSecond) / 1_000_000_000)
        guard earned > 0 else { return }
        tokens = min(Self.burstBytes, tokens + earned)
        self.refilledAt = now
    }

    @inline(__always) private static func slot(for key: UInt64) -> Int {
        // Fibonacci hashing spreads consecutive sequence numbers and SSRCs over the table.
        Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> 56) & (recentCapacity - 1)
    }
}

/// A small seeded generator for consent-interval jitter, so simulations replay exactly.
///
/// The jitter only decorrelates timers (RFC 7675 §5.1); it is no secret, so a seeded
/// generator is enough and keeps the agent free of ambient randomness.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

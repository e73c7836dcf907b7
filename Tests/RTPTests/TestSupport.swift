// Shared helpers for the RTP tests: byte-array plumbing and a seeded generator.

/// Runs `body` with the bytes of `array` as a raw buffer.
func withBytes<R>(_ array: [UInt8], _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
    try array.withUnsafeBytes(body)
}

/// SplitMix64: a tiny deterministic generator so property loops are reproducible without a package.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Runs a builder against a scratch buffer and returns the bytes it says it wrote.
func written(capacity: Int = 1500, _ body: (UnsafeMutableRawBufferPointer) throws -> Int) rethrows -> [UInt8] {
    var buffer = [UInt8](repeating: 0xEE, count: capacity)
    let count = try buffer.withUnsafeMutableBytes { try body($0) }
    return Array(buffer.prefix(count))
}

/// Calls `body` with every strict prefix of `bytes` (each in its own exactly sized buffer).
func forEachTruncation(of bytes: [UInt8], _ body: (UnsafeRawBufferPointer, Int) -> Void) {
    for length in 0..<bytes.count {
        let prefix = Array(bytes.prefix(length))
        prefix.withUnsafeBytes { body($0, length) }
    }
}

/// Bytes from a hex string; spaces and newlines are ignored.
func hex(_ text: String) -> [UInt8] {
    let digits = text.filter { !$0.isWhitespace }.map { UInt8(String($0), radix: 16)! }
    return stride(from: 0, to: digits.count, by: 2).map { digits[$0] << 4 | digits[$0 + 1] }
}

// A.8.2's f(n) and ns(n) over the bytes of one Dependency Descriptor extension: bits are read from
// the most significant bit of each byte on. Every read checks the remaining length first, so no
// input can make it read past the end.

/// Reads the Dependency Descriptor's bit fields, most significant bit first.
struct AV1BitReader {
    private let bytes: UnsafeRawBufferPointer
    /// Bits consumed so far (TotalConsumedBits in the specification).
    private(set) var position = 0

    init(_ bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
    }

    /// Bits in the buffer.
    var bitCount: Int { bytes.count &* 8 }
    /// Bits left to read.
    var remaining: Int { bitCount &- position }

    /// f(n): an unsigned `count`-bit number (0–32 bits), high bit first.
    @inline(__always)
    mutating func read(_ count: Int) throws(AV1DependencyDescriptorError) -> UInt32 {
        assert(count >= 0 && count <= 32)
        guard count <= remaining else { throw .truncated }
        var value: UInt32 = 0
        var left = count
        while left > 0 {
            let byte = UInt32(bytes[position &>> 3])
            let available = 8 &- (position & 7)
            let take = min(available, left)
            let bits = (byte &>> UInt32(available &- take)) & ((1 &<< UInt32(take)) &- 1)
            value = value &<< UInt32(take) | bits
            left &-= take
            position &+= take
        }
        return value
    }

    /// f(1) as a flag.
    @inline(__always)
    mutating func readFlag() throws(AV1DependencyDescriptorError) -> Bool {
        try read(1) != 0
    }

    /// ns(n): a non-symmetric unsigned number in 0 ..< `n` (n ≥ 1). Values below
    /// m = 2^w − n take w − 1 bits, the others w, where w is the bit width of n.
    mutating func readNonSymmetric(_ n: Int) throws(AV1DependencyDescriptorError) -> UInt32 {
        assert(n >= 1 && n <= 1 << 16)
        let width = Int.bitWidth &- n.leadingZeroBitCount
        let m = UInt32(1 &<< width &- n)
        let value = try read(width &- 1)
        if value < m { return value }
        let extraBit = try read(1)
        return (value &<< 1) &- m &+ extraBit
    }
}

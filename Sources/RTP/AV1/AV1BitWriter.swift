// The writing side of AV1BitReader: write_f and write_ns of A.8.2. Each byte is cleared when its
// first bit is written, so the trailing zero_padding comes out zero whatever the buffer held.

/// Writes the Dependency Descriptor's bit fields, most significant bit first.
struct AV1BitWriter {
    private let bytes: UnsafeMutableRawBufferPointer
    /// Bits written so far.
    private(set) var position = 0

    init(_ bytes: UnsafeMutableRawBufferPointer) {
        self.bytes = bytes
    }

    /// Whole bytes the bits written so far take, padding included.
    var byteCount: Int { (position &+ 7) &>> 3 }

    /// write_f: the low `count` bits of `value` (0–32 bits), high bit first.
    @inline(__always)
    mutating func write(_ value: UInt32, bits count: Int) throws(AV1DependencyDescriptorWriteError) {
        assert(count >= 0 && count <= 32)
        guard position &+ count <= bytes.count &* 8 else { throw .bufferTooSmall }
        var left = count
        while left > 0 {
            let index = position &>> 3
            let used = position & 7
            if used == 0 { bytes[index] = 0 }
            let take = min(8 &- used, left)
            let chunk = UInt8(truncatingIfNeeded: (value &>> UInt32(left &- take)) & ((1 &<< UInt32(take)) &- 1))
            bytes[index] |= chunk &<< UInt8(8 &- used &- take)
            left &-= take
            position &+= take
        }
    }

    @inline(__always)
    mutating func writeFlag(_ flag: Bool) throws(AV1DependencyDescriptorWriteError) {
        try write(flag ? 1 : 0, bits: 1)
    }

    /// write_ns: `value` in 0 ..< `n` as readNonSymmetric reads it; nothing at all when n is 1.
    mutating func writeNonSymmetric(_ value: UInt32, _ n: Int) throws(AV1DependencyDescriptorWriteError) {
        assert(n >= 1 && n <= 1 << 16 && Int(value) < n)
        guard n > 1 else { return }
        let width = Int.bitWidth &- n.leadingZeroBitCount
        let m = UInt32(1 &<< width &- n)
        if value < m {
            try write(value, bits: width &- 1)
        } else {
            try write(value &+ m, bits: width)
        }
    }
}

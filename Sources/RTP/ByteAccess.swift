// Big-endian loads and stores on raw buffers.
//
// Every caller checks the length before reading, so these helpers do no checking of their own:
// they are the unchecked half of "guard the length, then load" (style.md B5.8). They read byte by
// byte rather than with unaligned integer loads so the code is obviously endian-independent.

extension UnsafeRawBufferPointer {
    @inlinable @inline(__always)
    func readUInt8(_ offset: Int) -> UInt8 { self[offset] }

    @inlinable @inline(__always)
    func readUInt16(_ offset: Int) -> UInt16 {
        UInt16(self[offset]) << 8 | UInt16(self[offset &+ 1])
    }

    @inlinable @inline(__always)
    func readUInt24(_ offset: Int) -> UInt32 {
        UInt32(self[offset]) << 16 | UInt32(self[offset &+ 1]) << 8 | UInt32(self[offset &+ 2])
    }

    @inlinable @inline(__always)
    func readUInt32(_ offset: Int) -> UInt32 {
        UInt32(readUInt16(offset)) << 16 | UInt32(readUInt16(offset &+ 2))
    }

    @inlinable @inline(__always)
    func readUInt64(_ offset: Int) -> UInt64 {
        UInt64(readUInt32(offset)) << 32 | UInt64(readUInt32(offset &+ 4))
    }

    /// The sub-buffer `offset ..< offset + count`, with indices starting at 0.
    @inlinable @inline(__always)
    func slice(_ offset: Int, _ count: Int) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: self[offset ..< offset &+ count])
    }
}

extension UnsafeMutableRawBufferPointer {
    @inlinable @inline(__always)
    func writeUInt8(_ value: UInt8, at offset: Int) { self[offset] = value }

    @inlinable @inline(__always)
    func writeUInt16(_ value: UInt16, at offset: Int) {
        self[offset] = UInt8(truncatingIfNeeded: value >> 8)
        self[offset &+ 1] = UInt8(truncatingIfNeeded: value)
    }

    @inlinable @inline(__always)
    func writeUInt24(_ value: UInt32, at offset: Int) {
        self[offset] = UInt8(truncatingIfNeeded: value >> 16)
        self[offset &+ 1] = UInt8(truncatingIfNeeded: value >> 8)
        self[offset &+ 2] = UInt8(truncatingIfNeeded: value)
    }

    @inlinable @inline(__always)
    func writeUInt32(_ value: UInt32, at offset: Int) {
        writeUInt16(UInt16(truncatingIfNeeded: value >> 16), at: offset)
        writeUInt16(UInt16(truncatingIfNeeded: value), at: offset &+ 2)
    }

    @inlinable @inline(__always)
    func writeUInt64(_ value: UInt64, at offset: Int) {
        writeUInt32(UInt32(truncatingIfNeeded: value >> 32), at: offset)
        writeUInt32(UInt32(truncatingIfNeeded: value), at: offset &+ 4)
    }

    /// Moves `count` bytes from `source` to `destination` (ranges may overlap).
    @inlinable @inline(__always)
    func moveBytes(from source: Int, to destination: Int, count: Int) {
        guard count > 0, source != destination, let base = baseAddress else { return }
        (base + destination).copyMemory(from: UnsafeRawPointer(base + source), byteCount: count)
    }

    /// Sets `count` bytes from `offset` to zero.
    @inlinable @inline(__always)
    func zero(_ offset: Int, count: Int) {
        guard count > 0, let base = baseAddress else { return }
        (base + offset).initializeMemory(as: UInt8.self, repeating: 0, count: count)
    }
}

/// The 20 bytes every generated RTP packet carries at the end of its payload, so receivers can
/// tell which stream a packet belongs to (SFUs rewrite SSRCs and sequence numbers; Janus does)
/// and how long it took (the send time is CLOCK_REALTIME, comparable with the kernel's receive
/// timestamp on the same machine).
///
/// ```
///  0                   1                   2                   3
///  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                      magic "MPLD"                             |
/// |M|                   stream index (31 bits)                    |
/// |                    per-stream counter                         |
/// |                 send time, ns, CLOCK_REALTIME (64 bits)       |
/// |                                                               |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// M: sent during the measured window.
/// ```
enum BenchStamp {
    static let length = 20
    static let magic: UInt32 = 0x4D50_4C44

    /// Writes the stamp at `offset` of `packet`.
    @inline(__always)
    static func write(into packet: UnsafeMutableRawPointer, at offset: Int, stream: Int, measured: Bool, counter: UInt32, sendNanoseconds: Int64) {
        let p = packet + offset
        p.storeBytes(of: magic.bigEndian, toByteOffset: 0, as: UInt32.self)
        let tagged = UInt32(truncatingIfNeeded: stream) & 0x7FFF_FFFF | (measured ? 0x8000_0000 : 0)
        p.storeBytes(of: tagged.bigEndian, toByteOffset: 4, as: UInt32.self)
        p.storeBytes(of: counter.bigEndian, toByteOffset: 8, as: UInt32.self)
        p.storeBytes(of: UInt64(bitPattern: sendNanoseconds).bigEndian, toByteOffset: 12, as: UInt64.self)
    }

    /// Reads the stamp at the end of a decrypted packet of `length` bytes; nil if there is none.
    @inline(__always)
    static func read(_ packet: UnsafeRawPointer, length: Int) -> (stream: Int, measured: Bool, sendNanoseconds: Int64)? {
        guard length >= 12 + Self.length else { return nil }
        let p = packet + (length - Self.length)
        guard UInt32(bigEndian: p.loadUnaligned(fromByteOffset: 0, as: UInt32.self)) == magic else { return nil }
        let tagged = UInt32(bigEndian: p.loadUnaligned(fromByteOffset: 4, as: UInt32.self))
        let sent = Int64(bitPattern: UInt64(bigEndian: p.loadUnaligned(fromByteOffset: 12, as: UInt64.self)))
        return (Int(tagged & 0x7FFF_FFFF), tagged & 0x8000_0000 != 0, sent)
    }
}

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
/// |M|TID|               stream index (29 bits)                    |
/// |             per-stream, per-TID counter                       |
/// |                 send time, ns, CLOCK_REALTIME (64 bits)       |
/// |                                                               |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// M: sent during the measured window. TID: the VP8 temporal layer of a video packet, so
/// receivers can tell which temporal layers a selective forwarder sent them without parsing the
/// payload; for audio 1 (`droppableSilence`) on a silent packet a JVB-style silence filter drops
/// (the fifth and later of a run of level-127 packets), else 0. The counter counts the packets
/// of one stream and TID (a "sub-stream"), so a run of them received tells how many were sent
/// in between.
/// ```
enum BenchStamp {
    static let length = 20
    static let magic: UInt32 = 0x4D50_4C44
    static let streamMask: UInt32 = 0x1FFF_FFFF
    /// TIDs a stamp can carry (VP8 has at most four temporal layers).
    static let temporalLayers = 4
    /// The audio "TID" of silence that a forwarder dropping silence (ours, JVB) does not send.
    static let droppableSilence = 1

    /// The index of stream `stream`'s packets of temporal layer `temporal` in per-sub-stream arrays.
    @inline(__always)
    static func substream(_ stream: Int, temporal: Int) -> Int { stream * temporalLayers + temporal }

    /// Writes the stamp at `offset` of `packet`.
    @inline(__always)
    static func write(
        into packet: UnsafeMutableRawPointer, at offset: Int, stream: Int, temporal: Int, measured: Bool, counter: UInt32, sendNanoseconds: Int64
    ) {
        let p = packet + offset
        p.storeBytes(of: magic.bigEndian, toByteOffset: 0, as: UInt32.self)
        let tagged = UInt32(truncatingIfNeeded: stream) & streamMask | UInt32(truncatingIfNeeded: temporal & 3) << 29
            | (measured ? 0x8000_0000 : 0)
        p.storeBytes(of: tagged.bigEndian, toByteOffset: 4, as: UInt32.self)
        p.storeBytes(of: counter.bigEndian, toByteOffset: 8, as: UInt32.self)
        p.storeBytes(of: UInt64(bitPattern: sendNanoseconds).bigEndian, toByteOffset: 12, as: UInt64.self)
    }

    /// Reads the stamp at the end of a decrypted packet of `length` bytes; nil if there is none.
    @inline(__always)
    static func read(_ packet: UnsafeRawPointer, length: Int)
        -> (stream: Int, temporal: Int, measured: Bool, counter: UInt32, sendNanoseconds: Int64)?
    {
        guard length >= 12 + Self.length else { return nil }
        let p = packet + (length - Self.length)
        guard UInt32(bigEndian: p.loadUnaligned(fromByteOffset: 0, as: UInt32.self)) == magic else { return nil }
        let tagged = UInt32(bigEndian: p.loadUnaligned(fromByteOffset: 4, as: UInt32.self))
        let counter = UInt32(bigEndian: p.loadUnaligned(fromByteOffset: 8, as: UInt32.self))
        let sent = Int64(bitPattern: UInt64(bigEndian: p.loadUnaligned(fromByteOffset: 12, as: UInt64.self)))
        return (Int(tagged & streamMask), Int(tagged >> 29 & 3), tagged & 0x8000_0000 != 0, counter, sent)
    }
}

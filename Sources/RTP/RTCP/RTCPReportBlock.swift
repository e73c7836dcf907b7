// RFC 3550 §6.4.1: the report block shared by sender and receiver reports.

/// One reception report block.
///
/// ```
/// +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
/// |                 SSRC_n (SSRC of source n)                     |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// | fraction lost |  cumulative number of packets lost (signed)   |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |           extended highest sequence number received           |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                      interarrival jitter                      |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                         last SR (LSR)                         |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                   delay since last SR (DLSR)                  |
/// +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
/// ```
public struct RTCPReportBlock: Sendable, Equatable {
    /// Bytes per block on the wire.
    public static let size = 24

    /// The source this block reports on.
    public var ssrc: UInt32
    /// Fraction lost since the previous report, in units of 1/256.
    public var fractionLost: UInt8
    /// Cumulative packets lost; 24-bit signed on the wire (duplicates can make it negative).
    public var cumulativeLost: Int32
    /// Cycles (high 16 bits) and highest sequence number received (low 16 bits).
    public var extendedHighestSequenceNumber: UInt32
    /// Interarrival jitter in RTP timestamp units.
    public var jitter: UInt32
    /// Middle 32 bits of the NTP timestamp of the last SR from this source, or 0.
    public var lastSenderReport: UInt32
    /// Delay since that SR in units of 1/65536 s, or 0.
    public var delaySinceLastSenderReport: UInt32

    /// Creates a report block.
    public init(
        ssrc: UInt32, fractionLost: UInt8 = 0, cumulativeLost: Int32 = 0, extendedHighestSequenceNumber: UInt32 = 0,
        jitter: UInt32 = 0, lastSenderReport: UInt32 = 0, delaySinceLastSenderReport: UInt32 = 0
    ) {
        self.ssrc = ssrc
        self.fractionLost = fractionLost
        self.cumulativeLost = cumulativeLost
        self.extendedHighestSequenceNumber = extendedHighestSequenceNumber
        self.jitter = jitter
        self.lastSenderReport = lastSenderReport
        self.delaySinceLastSenderReport = delaySinceLastSenderReport
    }

    /// Reads a block at `offset`; the caller has checked that 24 bytes are there.
    init(reading bytes: UnsafeRawBufferPointer, at offset: Int) {
        ssrc = bytes.readUInt32(offset)
        fractionLost = bytes.readUInt8(offset &+ 4)
        // Sign-extend the 24-bit field by shifting it to the top and back.
        cumulativeLost = Int32(bitPattern: bytes.readUInt24(offset &+ 5) << 8) >> 8
        extendedHighestSequenceNumber = bytes.readUInt32(offset &+ 8)
        jitter = bytes.readUInt32(offset &+ 12)
        lastSenderReport = bytes.readUInt32(offset &+ 16)
        delaySinceLastSenderReport = bytes.readUInt32(offset &+ 20)
    }

    /// Writes the block at `offset`; the caller has checked the room. The cumulative loss is
    /// clamped to the 24-bit signed range (RFC 3550 §6.4.1 says to saturate, not wrap).
    func write(into buffer: UnsafeMutableRawBufferPointer, at offset: Int) {
        let lost = Swift.min(Swift.max(cumulativeLost, -0x80_0000), 0x7F_FFFF)
        buffer.writeUInt32(ssrc, at: offset)
        buffer.writeUInt8(fractionLost, at: offset &+ 4)
        buffer.writeUInt24(UInt32(bitPattern: lost) & 0xFF_FFFF, at: offset &+ 5)
        buffer.writeUInt32(extendedHighestSequenceNumber, at: offset &+ 8)
        buffer.writeUInt32(jitter, at: offset &+ 12)
        buffer.writeUInt32(lastSenderReport, at: offset &+ 16)
        buffer.writeUInt32(delaySinceLastSenderReport, at: offset &+ 20)
    }
}

// RFC 3550 §6.4.1: sender report (PT 200).

/// A sender report read in place.
///
/// ```
///  0                   1                   2                   3
///  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |V=2|P|    RC   |   PT=SR=200   |             length            |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                         SSRC of sender                        |
/// +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
/// |              NTP timestamp, most significant word             |
/// |             NTP timestamp, least significant word             |
/// |                         RTP timestamp                         |
/// |                     sender's packet count                     |
/// |                      sender's octet count                     |
/// +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
/// |                 report blocks (24 bytes each) ...             |
/// +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
/// |                  profile-specific extensions                  |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// ```
///
/// The view points into the caller's buffer; use it only while that memory is valid.
public struct RTCPSenderReport {
    /// The packet body after the common header, padding removed.
    public let body: UnsafeRawBufferPointer
    /// The sender's SSRC.
    public let senderSSRC: UInt32
    /// The wall-clock time the report was sent.
    public let ntpTimestamp: NTPTimestamp
    /// The same instant in the stream's RTP timestamp units.
    public let rtpTimestamp: UInt32
    /// Packets sent since the stream started.
    public let packetCount: UInt32
    /// Payload octets sent since the stream started.
    public let octetCount: UInt32
    /// Number of report blocks.
    public let reportCount: Int

    /// Parses the sender report at the start of `bytes`.
    public init(parsing bytes: UnsafeRawBufferPointer) throws(RTCPParseError) {
        let (header, body) = try RTCPHeader.body(of: bytes, type: RTCPPacketType.senderReport)
        guard body.count >= 24 else { throw .tooShort }
        reportCount = Int(header.count)
        guard 24 &+ reportCount &* RTCPReportBlock.size <= body.count else { throw .badCount }
        self.body = body
        senderSSRC = body.readUInt32(0)
        ntpTimestamp = NTPTimestamp(body.readUInt64(4))
        rtpTimestamp = body.readUInt32(12)
        packetCount = body.readUInt32(16)
        octetCount = body.readUInt32(20)
    }

    /// Report block `index` (0 ..< `reportCount`).
    public func reportBlock(_ index: Int) -> RTCPReportBlock? {
        guard index >= 0, index < reportCount else { return nil }
        return RTCPReportBlock(reading: body, at: 24 &+ index &* RTCPReportBlock.size)
    }

    /// Writes a sender report with up to 31 report blocks; returns its length.
    public static func write(
        senderSSRC: UInt32, ntpTimestamp: NTPTimestamp, rtpTimestamp: UInt32, packetCount: UInt32, octetCount: UInt32,
        reportBlocks: some Collection<RTCPReportBlock>, into buffer: UnsafeMutableRawBufferPointer
    ) throws(RTPBuildError) -> Int {
        guard reportBlocks.count <= 31 else { throw .tooManyItems }
        let length = 28 &+ reportBlocks.count &* RTCPReportBlock.size
        try RTCPHeader.checkCapacity(length, buffer)
        RTCPHeader.write(count: UInt8(reportBlocks.count), packetType: RTCPPacketType.senderReport, length: length, into: buffer)
        buffer.writeUInt32(senderSSRC, at: 4)
        buffer.writeUInt64(ntpTimestamp.value, at: 8)
        buffer.writeUInt32(rtpTimestamp, at: 16)
        buffer.writeUInt32(packetCount, at: 20)
        buffer.writeUInt32(octetCount, at: 24)
        var offset = 28
        for block in reportBlocks {
            block.write(into: buffer, at: offset)
            offset &+= RTCPReportBlock.size
        }
        return length
    }
}

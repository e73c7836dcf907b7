// RFC 3550 §6.4.2: receiver report (PT 201).

/// A receiver report read in place.
///
/// ```
///  0                   1                   2                   3
///  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |V=2|P|    RC   |   PT=RR=201   |             length            |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                     SSRC of packet sender                     |
/// +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
/// |                 report blocks (24 bytes each) ...             |
/// +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
/// ```
///
/// The view points into the caller's buffer; use it only while that memory is valid.
public struct RTCPReceiverReport {
    /// The packet body after the common header, padding removed.
    public let body: UnsafeRawBufferPointer
    /// The reporter's SSRC.
    public let senderSSRC: UInt32
    /// Number of report blocks.
    public let reportCount: Int

    /// Parses the receiver report at the start of `bytes`.
    public init(parsing bytes: UnsafeRawBufferPointer) throws(RTCPParseError) {
        let (header, body) = try RTCPHeader.body(of: bytes, type: RTCPPacketType.receiverReport)
        guard body.count >= 4 else { throw .tooShort }
        reportCount = Int(header.count)
        guard 4 &+ reportCount &* RTCPReportBlock.size <= body.count else { throw .badCount }
        self.body = body
        senderSSRC = body.readUInt32(0)
    }

    /// Report block `index` (0 ..< `reportCount`).
    public func reportBlock(_ index: Int) -> RTCPReportBlock? {
        guard index >= 0, index < reportCount else { return nil }
        return RTCPReportBlock(reading: body, at: 4 &+ index &* RTCPReportBlock.size)
    }

    /// Writes a receiver report with up to 31 report blocks; returns its length.
    public static func write(
        senderSSRC: UInt32, reportBlocks: some Collection<RTCPReportBlock>, into buffer: UnsafeMutableRawBufferPointer
    ) throws(RTPBuildError) -> Int {
        guard reportBlocks.count <= 31 else { throw .tooManyItems }
        let length = 8 &+ reportBlocks.count &* RTCPReportBlock.size
        try RTCPHeader.checkCapacity(length, buffer)
        RTCPHeader.write(count: UInt8(reportBlocks.count), packetType: RTCPPacketType.receiverReport, length: length, into: buffer)
        buffer.writeUInt32(senderSSRC, at: 4)
        var offset = 8
        for block in reportBlocks {
            block.write(into: buffer, at: offset)
            offset &+= RTCPReportBlock.size
        }
        return length
    }
}

// Compound RTCP (RFC 3550 §6.1) as the engine terminates it: every packet view, every field,
// every report block, SDES item, NACK'd sequence number and transport-cc entry.

import RTP

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let datagram = UnsafeRawBufferPointer(start: data, count: size)
    var packets = RTCPCompoundIterator(datagram)
    var checksum: UInt64 = 0
    while true {
        let packet: RTCPPacket?
        do { packet = try packets.next() } catch { break }
        guard let packet else { break }
        precondition(packets.offset <= size, "iterator ran past the datagram")
        checksum &+= touch(packet)
    }
    _ = checksum
    return 0
}

/// Reads everything a view exposes; any out-of-bounds read is ASan's to report.
private func touch(_ packet: RTCPPacket) -> UInt64 {
    var sum: UInt64 = 0
    switch packet {
    case .senderReport(let report):
        sum &+= UInt64(report.senderSSRC) &+ report.ntpTimestamp.value &+ UInt64(report.rtpTimestamp)
        sum &+= UInt64(report.packetCount) &+ UInt64(report.octetCount)
        for index in 0...report.reportCount { sum &+= touch(report.reportBlock(index)) }
    case .receiverReport(let report):
        sum &+= UInt64(report.senderSSRC)
        for index in 0...report.reportCount { sum &+= touch(report.reportBlock(index)) }
    case .sourceDescription(let description):
        for item in description {
            sum &+= UInt64(item.ssrc) &+ UInt64(item.type) &+ checksum(item.value)
            if let cname = description.cname(for: item.ssrc) { sum &+= checksum(cname) }
        }
    case .bye(let bye):
        for index in 0...bye.sourceCount { sum &+= UInt64(bye.ssrc(index) ?? 0) }
        if let reason = bye.reason { sum &+= checksum(reason) }
    case .nack(let nack):
        sum &+= UInt64(nack.senderSSRC) &+ UInt64(nack.mediaSSRC)
        for index in 0...nack.pairCount {
            if let pair = nack.pair(index) { sum &+= UInt64(pair.packetID) &+ UInt64(pair.bitmask) }
        }
        var lost = 0
        for sequenceNumber in nack {
            sum &+= UInt64(sequenceNumber)
            lost += 1
        }
        precondition(lost <= nack.pairCount * 17, "more lost packets than the FCI can encode")
    case .transportCC(let feedback):
        sum &+= UInt64(feedback.senderSSRC) &+ UInt64(feedback.mediaSSRC) &+ UInt64(feedback.baseSequenceNumber)
        sum &+= UInt64(bitPattern: Int64(feedback.referenceTime)) &+ UInt64(feedback.feedbackPacketCount)
        var entries = 0
        for entry in feedback {
            sum &+= UInt64(entry.sequenceNumber) &+ UInt64(entry.status.rawValue) &+ UInt64(bitPattern: Int64(entry.delta))
            sum &+= UInt64(bitPattern: entry.arrivalMicroseconds ?? 0)
            entries += 1
        }
        precondition(entries <= feedback.packetStatusCount, "more entries than the status count")
    case .pli(let pli):
        sum &+= UInt64(pli.senderSSRC) &+ UInt64(pli.mediaSSRC)
    case .fir(let fir):
        sum &+= UInt64(fir.senderSSRC) &+ UInt64(fir.mediaSSRC)
        for index in 0...fir.entryCount {
            if let entry = fir.entry(index) { sum &+= UInt64(entry.ssrc) &+ UInt64(entry.sequenceNumber) }
        }
    case .remb(let remb):
        sum &+= UInt64(remb.senderSSRC) &+ UInt64(remb.exponent) &+ UInt64(remb.mantissa) &+ remb.bitrate
        for index in 0...remb.ssrcCount { sum &+= UInt64(remb.ssrc(index) ?? 0) }
    case .other(let header, let bytes):
        precondition(header.length == bytes.count, "other packet's bytes and header disagree")
        sum &+= UInt64(header.packetType) &+ UInt64(header.count) &+ checksum(bytes)
    }
    return sum
}

private func touch(_ block: RTCPReportBlock?) -> UInt64 {
    guard let block else { return 0 }
    return UInt64(block.ssrc) &+ UInt64(block.fractionLost) &+ UInt64(bitPattern: Int64(block.cumulativeLost))
        &+ UInt64(block.extendedHighestSequenceNumber) &+ UInt64(block.jitter) &+ UInt64(block.lastSenderReport)
        &+ UInt64(block.delaySinceLastSenderReport)
}

private func checksum(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
    var sum: UInt64 = 0
    for byte in bytes { sum = sum &* 31 &+ UInt64(byte) }
    return sum
}

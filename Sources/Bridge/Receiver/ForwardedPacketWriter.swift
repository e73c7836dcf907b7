import RTP
import SRTP

/// Writes one receiver's copy of a packet straight into a send slot, header fields rewritten for
/// the receiver's outgoing stream (or its RTX form), in the clear: the transmit queue has it
/// SRTP-protected on the receiver's lane. The source packet is left as it is, since every
/// receiver gets its own rewrite.
enum ForwardedPacketWriter {
    /// Returns the length written, or 0 when the packet (and its SRTP trailer) does not fit or
    /// cannot be rewritten.
    @inline(__always)
    static func write(
        _ packet: UnsafeRawBufferPointer, header: RTPHeaderView, vp8: VP8PayloadDescriptor?, rewrite: OutgoingRewrite,
        into slot: UnsafeMutableRawBufferPointer
    ) -> Int {
        guard let destination = slot.baseAddress, let source = packet.baseAddress else { return 0 }
        // RTX carries the original sequence number in two bytes before the payload, and no padding.
        let shift = rewrite.retransmission == nil ? 0 : 2
        let length = rewrite.retransmission == nil ? packet.count : header.headerLength + 2 + header.payloadLength
        guard length + SRTPSession.maximumTrailerLength <= slot.count else { return 0 }
        if shift == 0 {
            destination.copyMemory(from: source, byteCount: packet.count)
        } else {
            destination.copyMemory(from: source, byteCount: header.headerLength)
            slot[0] &= ~0x20
            slot[header.headerLength] = UInt8(rewrite.sequenceNumber >> 8)
            slot[header.headerLength + 1] = UInt8(truncatingIfNeeded: rewrite.sequenceNumber)
            (destination + header.headerLength + 2).copyMemory(from: source + header.payloadOffset, byteCount: header.payloadLength)
        }
        let out = UnsafeMutableRawBufferPointer(rebasing: slot[0..<length])
        do {
            var view = header
            if let rtx = rewrite.retransmission {
                try view.setPayloadType(rtx.payloadType, in: out)
                try view.setSSRC(rtx.ssrc, in: out)
                try view.setSequenceNumber(rtx.sequenceNumber, in: out)
            } else {
                try view.setSSRC(rewrite.ssrc, in: out)
                try view.setSequenceNumber(rewrite.sequenceNumber, in: out)
            }
            try view.setTimestamp(rewrite.timestamp, in: out)
            if rewrite.setsMarker { try view.setMarker(true, in: out) }
            // frame_number follows the descriptor's first byte; the header (and so the extension)
            // sits at the same offsets in the RTX form.
            let frameNumberOffset = rewrite.dependencyDescriptorOffset + 1
            if rewrite.dependencyDescriptorOffset >= 0, frameNumberOffset + 2 <= header.headerLength {
                slot[frameNumberOffset] = UInt8(rewrite.frameNumber >> 8)
                slot[frameNumberOffset + 1] = UInt8(truncatingIfNeeded: rewrite.frameNumber)
            }
            // The receiver's ids, or padding where it did not negotiate the extension.
            if rewrite.transportSequenceOffset >= 0 {
                header.setExtensionElement(
                    dataOffset: rewrite.transportSequenceOffset, length: 2, id: rewrite.transportSequenceID,
                    value: UInt32(rewrite.transportSequenceNumber), in: out)
            }
            if rewrite.absSendTimeOffset >= 0 {
                header.setExtensionElement(
                    dataOffset: rewrite.absSendTimeOffset, length: AbsoluteSendTime.length, id: rewrite.absSendTimeID,
                    value: rewrite.absSendTime, in: out)
            }
            if let ids = rewrite.pictureIDs, var descriptor = vp8 {
                let start = header.payloadOffset + shift
                let payload = UnsafeMutableRawBufferPointer(rebasing: slot[start..<(start + header.payloadLength)])
                try descriptor.apply(ids, in: payload)
            }
            return length
        } catch {
            return 0
        }
    }
}

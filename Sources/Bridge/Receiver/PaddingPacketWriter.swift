import RTP
import SRTP

/// Writes one padding-only RTP packet on a receiver's RTX stream (RFC 3550 §5.1 padding, RFC 4588
/// stream), numbered on the receiver's link: what libwebrtc itself sends to probe bandwidth. The
/// receiver's transport-cc feedback counts it; its RTX receiver discards it, as it has no payload.
enum PaddingPacketWriter {
    /// The most padding one packet carries: its last byte holds the count.
    static let maximumPadding = 255
    /// Header, a one-byte extension block with the transport-wide sequence number, no payload.
    static let headerLength = 12 + 4 + 4

    /// Returns the length written (in the clear: the transmit queue protects it), or 0 when the
    /// slot is too small for it and its SRTP trailer.
    @inline(__always)
    static func write(
        padding: Int, payloadType: UInt8, ssrc: UInt32, sequenceNumber: UInt16, timestamp: UInt32,
        transportSequence: (id: UInt8, number: UInt16), into slot: UnsafeMutableRawBufferPointer
    ) -> Int {
        let padding = min(max(padding, 1), maximumPadding)
        let length = headerLength + padding
        guard slot.baseAddress != nil, length + SRTPSession.maximumTrailerLength <= slot.count,
            transportSequence.id > 0, transportSequence.id < 15
        else { return 0 }
        slot[0] = 0xB0  // version 2, padding, extension
        slot[1] = payloadType & 0x7F
        slot.storeBytes(of: sequenceNumber.bigEndian, toByteOffset: 2, as: UInt16.self)
        slot.storeBytes(of: timestamp.bigEndian, toByteOffset: 4, as: UInt32.self)
        slot.storeBytes(of: ssrc.bigEndian, toByteOffset: 8, as: UInt32.self)
        // RFC 8285 one-byte block of one word.
        slot.storeBytes(of: RTPHeaderExtensionForm.oneByteProfile.bigEndian, toByteOffset: 12, as: UInt16.self)
        slot.storeBytes(of: UInt16(1).bigEndian, toByteOffset: 14, as: UInt16.self)
        slot[16] = transportSequence.id << 4 | 1
        slot[17] = UInt8(transportSequence.number >> 8)
        slot[18] = UInt8(truncatingIfNeeded: transportSequence.number)
        slot[19] = 0
        for index in headerLength..<(length - 1) { slot[index] = 0 }
        slot[length - 1] = UInt8(padding)
        return length
    }
}

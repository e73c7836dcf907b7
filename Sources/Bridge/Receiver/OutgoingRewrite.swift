import RTP

/// The header fields one packet gets on its way to one receiver.
struct OutgoingRewrite {
    /// An RFC 4588 retransmission: the RTX stream's payload type, SSRC and sequence number; the
    /// rewritten original sequence number goes first in the payload.
    struct Retransmission {
        var payloadType: UInt8
        var ssrc: UInt32
        var sequenceNumber: UInt16
    }

    var ssrc: UInt32
    var sequenceNumber: UInt16
    var timestamp: UInt32
    /// VP8 PictureID/TL0PICIDX to write into the payload descriptor, if any.
    var pictureIDs: VP8OutgoingIDs?
    var retransmission: Retransmission?
}

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
    /// Sets the marker bit: the packet ends the last layer frame of its temporal unit the receiver
    /// gets, although the sender marked a higher layer's end.
    var setsMarker = false
    /// The dependency descriptor's frame_number, written at `dependencyDescriptorOffset` (-1: none).
    var frameNumber: UInt16 = 0
    var dependencyDescriptorOffset = -1
    /// Where the packet's transport-wide sequence number element has its data (-1: it has none),
    /// and what goes there: the receiver's id and number, or id 0, which blanks the element into
    /// padding for a receiver without transport-cc.
    var transportSequenceOffset = -1
    var transportSequenceID: UInt8 = 0
    var transportSequenceNumber: UInt16 = 0
    /// The same for the absolute send time element: where its data is (-1: none), the receiver's
    /// id (0 blanks it) and the 24-bit time the packet leaves the bridge.
    var absSendTimeOffset = -1
    var absSendTimeID: UInt8 = 0
    var absSendTime: UInt32 = 0
    var retransmission: Retransmission?
}

import Primitives
import RTP

/// One decrypted, parsed packet from a sender as every receiver's forwarding sees it; built once
/// per packet, read by each receiver.
struct IncomingPacket {
    /// The plain packet with per-hop extensions already removed.
    var bytes: UnsafeRawBufferPointer
    var header: RTPHeaderView
    /// VP8's payload descriptor, when the codec is VP8 and it parsed.
    var vp8: VP8PayloadDescriptor?
    /// The frame an SVC packet (AV1 or VP9 with a dependency descriptor) belongs to.
    var scalableFrame: AV1FrameDescription?
    /// The layer frame of a VP9 SVC packet without a dependency descriptor.
    var vp9Frame: VP9LayerFrame?
    /// The dependency descriptor's element in `bytes`, for any video codec that carries one.
    var dependencyDescriptor: RTPHeaderExtensionElement?
    /// Its frame_number, when it has the 3 mandatory bytes.
    var frameNumber: UInt16 = 0

    /// Where the descriptor's data starts when its frame_number can be rewritten, else -1.
    var dependencyDescriptorOffset: Int {
        guard let element = dependencyDescriptor, element.length >= 3 else { return -1 }
        return element.offset
    }
    /// Where the sender's transport-wide sequence number has its 2 bytes (-1: none): each
    /// receiver's copy gets the bridge's number for that receiver there.
    var transportSequenceOffset = -1
    /// Where the sender's absolute send time has its 3 bytes (-1: none): each receiver's copy gets
    /// the time the bridge sent it there.
    var absSendTimeOffset = -1
    /// The encoding's index in its source (0 for audio and single-stream video).
    var encodingIndex: Int
    /// Whether the packet starts a key frame (always true where the codec cannot tell, so that
    /// such streams start at once; the forwarder then asks for a key frame).
    var isKeyframeStart: Bool
    /// Whether it arrived again on RTX (a repair, or libwebrtc probing its bandwidth with recent
    /// packets) rather than in order: it may repair the encoding a receiver is being sent, never
    /// start one.
    var isRetransmission = false
    var clockRate: UInt32
    var now: Instant
}

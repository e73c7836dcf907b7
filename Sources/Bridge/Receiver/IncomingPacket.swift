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
    /// The encoding's index in its source (0 for audio and single-stream video).
    var encodingIndex: Int
    /// Whether the packet starts a key frame (always true where the codec cannot tell, so that
    /// such streams start at once; the forwarder then asks for a key frame).
    var isKeyframeStart: Bool
    var clockRate: UInt32
    var now: Instant
}

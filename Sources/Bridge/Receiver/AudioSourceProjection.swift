/// One rewriting receiver's audio slot as used by one audio source: the slot's SSRC and the
/// numbering that keeps the slot's outgoing stream continuous when it passes to another source.
final class AudioSourceProjection {
    let source: AudioSource
    let outgoingSSRC: UInt32
    var stream = RTPStreamProjection()
    /// Whether the next packet starts a new incoming stream on the slot.
    var needsBegin = true

    init(source: AudioSource, outgoingSSRC: UInt32) {
        self.source = source
        self.outgoingSSRC = outgoingSSRC
    }
}

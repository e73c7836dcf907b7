import Primitives

/// One encoding of a video source as the sender sends it: a simulcast stream (an SSRC of the SIM
/// group, with its RTX partner), or the single stream of a non-simulcast or SVC source.
///
/// Sender-side state, updated by the sender's packets only; receivers read it when they allocate.
final class VideoEncoding {
    /// Position in the SIM group, 0 = lowest resolution.
    let index: Int
    let ssrc: UInt32
    let rtxSSRC: UInt32?
    /// Frame height from the newest key frame's bitstream header; 0 while unknown.
    var observedHeight = 0
    var meter = LayerRateMeter()
    /// Timestamp of the newest frame seen, to tell a frame's first packet.
    var lastTimestamp: UInt32 = 0
    var lastPacketAt: Instant?
    var lastKeyframeAt: Instant?

    init(index: Int, ssrc: UInt32, rtxSSRC: UInt32?) {
        self.index = index
        self.ssrc = ssrc
        self.rtxSSRC = rtxSSRC
    }

    /// Counts one packet of this encoding (media, not retransmissions).
    @inline(__always)
    func record(bytes: Int, timestamp: UInt32, temporalLayer: Int, now: Instant) {
        let startsFrame = lastPacketAt == nil || timestamp != lastTimestamp
        lastTimestamp = timestamp
        lastPacketAt = now
        meter.record(bytes: bytes, temporalLayer: temporalLayer, startsFrame: startsFrame, now: now)
    }
}

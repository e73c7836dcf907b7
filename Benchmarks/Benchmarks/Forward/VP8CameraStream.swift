/// A camera's VP8 video as a browser sends it, one plain RTP packet at a time in send order: per
/// frame, every encoding's packets in turn (lowest first). Each encoding has its own SSRC,
/// sequence numbers, 15-bit PictureID and TL0PICIDX; frames follow the temporal pattern
/// 0, 2, 1, 2 of three temporal layers, 30 per second; the first frame is a key frame whose VP8
/// header carries the encoding's size. The bytes after the headers are filler (never decoded).
///
/// The forward benchmarks need this shape: the bridge starts a receiver's stream only at a key
/// frame start (RFC 7741 S = 1, PID = 0, frame tag bit 0 clear), takes an encoding's height from
/// that key frame, and selects temporal layers from the descriptor's TID.
///
/// Writing a packet allocates nothing (fixed arrays, mutated in place).
final class VP8CameraStream: CameraStream {
    static let payloadType: UInt8 = 100
    static let temporalPattern: [UInt8] = [0, 2, 1, 2]
    /// RTP header (12) + one-byte extension block with the sender's MID "1" (8).
    static let headerLength = 20
    /// X, then I (15-bit PictureID), L (TL0PICIDX), T (TID, Y).
    static let descriptorLength = 6

    /// The encodings, lowest first.
    let layers: [CameraLayer]
    /// Each encoding's SSRC, same order.
    let ssrcs: [UInt32]
    let packetsPerFrame: Int
    private var sequenceNumbers: [UInt16]
    private var pictureIDs: [UInt16]
    private var tl0PicIdxs: [UInt8]
    private var frame = 0
    private var encodingIndex = 0
    private var packetIndex = 0

    init(ssrcs: [UInt32], layers: [CameraLayer]) {
        precondition(ssrcs.count == layers.count, "one SSRC per encoding")
        self.layers = layers
        self.ssrcs = ssrcs
        packetsPerFrame = layers.reduce(0) { $0 + $1.packetsPerFrame }
        sequenceNumbers = ssrcs.map { UInt16(truncatingIfNeeded: $0 &* 7) }
        pictureIDs = ssrcs.map { UInt16(truncatingIfNeeded: $0 &* 13) & 0x7FFF }
        tl0PicIdxs = ssrcs.map { UInt8(truncatingIfNeeded: $0) }
    }

    /// jitsi-meet's VP8 simulcast at its default bitrates: 320×180 at 150 kbit/s, 640×360 at
    /// 500 kbit/s and 1280×720 at 1.8 Mbit/s, in packets of at most ~1.1 KB (10 per frame in all).
    static func simulcast(ssrcs: [UInt32]) -> VP8CameraStream {
        VP8CameraStream(ssrcs: ssrcs, layers: [
            CameraLayer(width: 320, height: 180, packetsPerFrame: 1, payloadBytes: 625),
            CameraLayer(width: 640, height: 360, packetsPerFrame: 2, payloadBytes: 1042),
            CameraLayer(width: 1280, height: 720, packetsPerFrame: 7, payloadBytes: 1071),
        ])
    }

    /// One 1280×720 stream at 1.8 Mbit/s (a camera without simulcast).
    static func single(ssrc: UInt32) -> VP8CameraStream {
        VP8CameraStream(ssrcs: [ssrc], layers: [CameraLayer(width: 1280, height: 720, packetsPerFrame: 7, payloadBytes: 1071)])
    }

    /// Whether the next packet is the first of a frame (over all encodings).
    var isAtFrameStart: Bool { encodingIndex == 0 && packetIndex == 0 }

    @inline(__always)
    func writeNext(into buffer: UnsafeMutableRawBufferPointer) -> (length: Int, layer: Int) {
        let index = encodingIndex
        let encoding = layers[index]
        let isKeyframe = frame == 0
        let pattern = Self.temporalPattern[frame % Self.temporalPattern.count]
        let temporal = isKeyframe ? 0 : pattern
        let startsFrame = packetIndex == 0
        let endsFrame = packetIndex == encoding.packetsPerFrame - 1
        if startsFrame {
            pictureIDs[index] = (pictureIDs[index] &+ 1) & 0x7FFF
            if temporal == 0 { tl0PicIdxs[index] &+= 1 }
        }
        sequenceNumbers[index] &+= 1
        let sequence = sequenceNumbers[index]
        let timestamp = UInt32(truncatingIfNeeded: frame) &* Self.frameTicks

        let p = buffer.baseAddress!
        p.storeBytes(of: 0x90, as: UInt8.self)
        p.storeBytes(of: (endsFrame ? 0x80 : 0) | Self.payloadType, toByteOffset: 1, as: UInt8.self)
        p.storeBytes(of: sequence.bigEndian, toByteOffset: 2, as: UInt16.self)
        p.storeBytes(of: timestamp.bigEndian, toByteOffset: 4, as: UInt32.self)
        p.storeBytes(of: ssrcs[index].bigEndian, toByteOffset: 8, as: UInt32.self)
        // RFC 8285 one-byte extensions: sdes:mid (id 10) "1", then padding.
        p.storeBytes(of: UInt32(0xBEDE_0001).bigEndian, toByteOffset: 12, as: UInt32.self)
        p.storeBytes(of: UInt32(0xA031_0000).bigEndian, toByteOffset: 16, as: UInt32.self)

        // RFC 7741 §4.2 payload descriptor. S only on a frame's first packet (PID 0 throughout);
        // Y on key frames and on the frames that depend on the base layer alone (the TID 2 and
        // TID 1 frames right after a TID 0 frame).
        let d = p + Self.headerLength
        let layerSync = isKeyframe || frame % Self.temporalPattern.count != 3
        d.storeBytes(of: startsFrame ? 0x90 : 0x80, as: UInt8.self)
        d.storeBytes(of: 0xE0, toByteOffset: 1, as: UInt8.self)
        d.storeBytes(of: (0x8000 | pictureIDs[index]).bigEndian, toByteOffset: 2, as: UInt16.self)
        d.storeBytes(of: tl0PicIdxs[index], toByteOffset: 4, as: UInt8.self)
        d.storeBytes(of: temporal << 6 | (layerSync ? 0x20 : 0), toByteOffset: 5, as: UInt8.self)
        var written = Self.descriptorLength
        if startsFrame {
            // RFC 6386 §9.1 frame tag (little-endian): bit 0 clear on key frames, version 0,
            // show_frame, first partition size; key frames add the start code and the size.
            let frameBytes = encoding.packetsPerFrame * (encoding.payloadBytes - Self.descriptorLength)
            let tag = UInt32(frameBytes / 4) << 5 | 0x10 | (isKeyframe ? 0 : 1)
            let h = d + written
            h.storeBytes(of: UInt8(truncatingIfNeeded: tag), as: UInt8.self)
            h.storeBytes(of: UInt8(truncatingIfNeeded: tag >> 8), toByteOffset: 1, as: UInt8.self)
            h.storeBytes(of: UInt8(truncatingIfNeeded: tag >> 16), toByteOffset: 2, as: UInt8.self)
            written += 3
            if isKeyframe {
                h.storeBytes(of: 0x9D, toByteOffset: 3, as: UInt8.self)
                h.storeBytes(of: 0x01, toByteOffset: 4, as: UInt8.self)
                h.storeBytes(of: 0x2A, toByteOffset: 5, as: UInt8.self)
                h.storeBytes(of: UInt16(encoding.width).littleEndian, toByteOffset: 6, as: UInt16.self)
                h.storeBytes(of: UInt16(encoding.height).littleEndian, toByteOffset: 8, as: UInt16.self)
                written += 7
            }
        }
        (d + written).initializeMemory(as: UInt8.self, repeating: 0x5A, count: encoding.payloadBytes - written)

        packetIndex += 1
        if packetIndex == encoding.packetsPerFrame {
            packetIndex = 0
            encodingIndex += 1
            if encodingIndex == layers.count {
                encodingIndex = 0
                frame += 1
            }
        }
        return (Self.headerLength + encoding.payloadBytes, index)
    }
}

import CLoadSupport
import Primitives
import SRTP

/// One simulated participant's outgoing media: Opus audio every 20 ms with an RFC 6464 level,
/// and VP8-shaped simulcast video (one SSRC per layer plus an RTX SSRC each, announced in SIM and
/// FID groups) with payload descriptors carrying picture ids, TL0PICIDX, temporal ids (pattern
/// 0,2,1,2) and a keyframe every `keyframeSeconds` or on request (PLI/FIR). Every packet ends
/// with a `BenchStamp`. Video leaves through a `SendPacer`, as a browser's does, and each
/// sender's frame and audio clocks start at its own phase of their intervals.
///
/// A selective forwarder (our bridge, like JVB) starts a receiver's stream of an encoding only at
/// a key frame start and reads the encoding's height from that key frame's VP8 header, so the
/// first frame of every layer is a key frame and each key frame carries its layer's real size
/// (the jitsi-meet ladder: 1280×720 at the top, halved per layer down).
final class MediaSender {
    /// Payload types as signalled to the SFU.
    struct PayloadTypes {
        var audio: UInt8 = 111
        var video: UInt8 = 100
    }

    let participant: Int
    let audioSSRC: UInt32
    let videoSSRCs: [UInt32]
    let rtxSSRCs: [UInt32]
    let sendsVideo: Bool
    let payloadTypes: PayloadTypes
    /// First stream index: audio is `streamBase`, video layer k is `streamBase + 1 + k`.
    let streamBase: Int
    private let clip: OpusClip
    private let layerFrameBytes: [Int]
    private let frameInterval: UInt64
    private let keyframeInterval: Int
    /// Where in the key-frame period this sender's periodic key frames fall (frames after the
    /// period's start). Independent clients' key frames do not line up; when every sender's did,
    /// each period opened with all of them at once, and that storm set every SFU's p99.
    private let keyframePhase: Int
    /// Where in the audio and frame intervals this sender's packets and frames fall (ns after
    /// `start`). Independent clients' clocks do not line up; when every sender's frames fell
    /// within 10 ms of each other, the SFU saw its whole load in a third of each frame interval.
    private let clockOffsets: (audio: UInt64, video: UInt64)
    /// S3: talk and pause in bursts; otherwise speak continuously.
    private let bursty: Bool
    private var pacer: SendPacer
    /// The video frame being paced out, if any.
    private var frame: FrameInFlight?

    private var sequence: [UInt16]
    /// Per sub-stream (stream × TID, see `BenchStamp.substream`), indexed from `streamBase`.
    private var counters: [UInt32]
    /// Each layer's key-frame size, low to high.
    private let layerSizes: [(width: UInt16, height: UInt16)]
    private var audioFrame = 0
    private var videoFrame = 0
    private var pictureID: [UInt16]
    private var tl0: [UInt8]
    private var nextAudio: UInt64 = 0
    private var nextVideo: UInt64 = 0
    private var keyframeRequested = true
    private var lastKeyframeRequest: UInt64 = 0
    private var burstUntil: UInt64 = 0
    private var talking = true
    /// Level-127 (silent) audio packets in a row, this one included.
    private var silentRun = 0
    private var random: UInt64
    /// Packets sent while measuring, per sub-stream (stream × TID, indexed from `streamBase`).
    private(set) var sentMeasured: [Int]
    private(set) var sentTotal = 0
    private(set) var bytesSent = 0
    /// The audio sequence numbers a silence-dropping forwarder may leave out.
    let silenceLedger = SilenceLedger()

    static let streamsPerSender = 4
    /// A silent run's packets a JVB-style silence filter forwards before it drops the rest (JVB's
    /// `forwarded-silence-packets-limit` 3 lets four through; our bridge does the same).
    static let forwardedSilentPackets = 4
    static let maximumPayload = 1100
    /// RTP header, stamp and SRTP tag on top of a video packet's payload, as the pacer counts it.
    static let packetOverhead = 12 + 6 + BenchStamp.length + 16
    static let audioInterval: UInt64 = 20_000_000
    /// VP8 temporal ids of successive frames (L1T3); a stored table, as an array literal in the
    /// frame loop would be built for every frame.
    private static let temporalPattern: [UInt8] = [0, 2, 1, 2]

    /// `phase`: where in each period this sender's clocks and key frames fall, a fraction of the
    /// period (`SenderPhase`).
    init(participant: Int, phase: Double, ssrcBase: UInt32, options: LoadOptions, clip: OpusClip, payloadTypes: PayloadTypes, sendsVideo: Bool, bursty: Bool) {
        self.participant = participant
        audioSSRC = ssrcBase
        let layers = sendsVideo ? options.layerKbps.count : 0
        videoSSRCs = (0..<layers).map { ssrcBase + 10 + UInt32($0) }
        rtxSSRCs = (0..<layers).map { ssrcBase + 20 + UInt32($0) }
        self.sendsVideo = sendsVideo
        self.payloadTypes = payloadTypes
        streamBase = participant * Self.streamsPerSender
        self.clip = clip
        layerFrameBytes = options.layerKbps.map { max(1, $0 * 1000 / 8 / options.frameRate) }
        frameInterval = UInt64(1_000_000_000 / options.frameRate)
        keyframeInterval = max(1, Int(options.keyframeSeconds * Double(options.frameRate)))
        keyframePhase = options.alignedKeyframes ? 0 : Int(phase * Double(keyframeInterval))
        if options.alignedFrames {
            // The load before 2026-12-05: 20 phases 1 ms apart, video at half of that.
            clockOffsets = (UInt64(participant % 20) * 1_000_000, UInt64(participant % 20) * 500_000)
        } else {
            clockOffsets = (UInt64(phase * Double(Self.audioInterval)), UInt64(phase * Double(frameInterval)))
        }
        self.bursty = bursty
        pacer = SendPacer(videoKbps: layers > 0 ? options.layerKbps.reduce(0, +) : 0, factor: options.pacingFactor)
        sequence = Array(repeating: UInt16(truncatingIfNeeded: ssrcBase), count: 1 + layers)
        counters = Array(repeating: 0, count: Self.streamsPerSender * BenchStamp.temporalLayers)
        layerSizes = (0..<layers).map { Self.frameSize(layer: $0, of: layers) }
        pictureID = Array(repeating: UInt16(truncatingIfNeeded: ssrcBase) & 0x7FFF, count: layers)
        tl0 = Array(repeating: 0, count: layers)
        sentMeasured = Array(repeating: 0, count: Self.streamsPerSender * BenchStamp.temporalLayers)
        random = UInt64(ssrcBase) &* 0x9E37_79B9_7F4A_7C15 | 1
    }

    /// The stream index of video layer `layer` (0 = lowest).
    func videoStream(_ layer: Int) -> Int { streamBase + 1 + layer }

    /// The size of layer `layer` of `count`: jitsi-meet's simulcast ladder (scale-down 4, 2, 1 of
    /// 1280×720), so the bridge measures 180/360/720 from the key frames as from a browser.
    static func frameSize(layer: Int, of count: Int) -> (width: UInt16, height: UInt16) {
        let stepsDown = max(0, count - 1 - layer)
        return (UInt16(1280 >> stepsDown), UInt16(720 >> stepsDown))
    }

    /// The next time this sender has media due.
    var nextDue: UInt64 {
        guard sendsVideo else { return nextAudio }
        return min(nextAudio, pacer.nextSendTime(due: frame?.due ?? nextVideo))
    }

    /// Starts the media clocks at `now` (monotonic ns), each at this sender's phase.
    func start(now: UInt64) {
        nextAudio = now + clockOffsets.audio
        nextVideo = now + clockOffsets.video
    }

    /// A keyframe on every layer with the next frame (PLI/FIR), at most every 300 ms.
    func requestKeyframe(now: UInt64) {
        guard now &- lastKeyframeRequest > 300_000_000 else { return }
        lastKeyframeRequest = now
        keyframeRequested = true
    }

    /// Writes every packet due at `now` into `transmit`, SRTP-protected with `session`.
    func emit(now: UInt64, measured: Bool, session: SRTPSession, destination: PeerAddress, transmit: TransmitQueue) {
        // Audio is not paced: libwebrtc's pacer lets audio past queued video.
        while nextAudio <= now {
            sendAudio(measured: measured, session: session, destination: destination, transmit: transmit)
            nextAudio += Self.audioInterval
        }
        guard sendsVideo else { return }
        while true {
            if frame == nil {
                guard nextVideo <= now else { return }
                beginVideoFrame(due: nextVideo)
                nextVideo += frameInterval
            }
            guard let current = frame, pacer.nextSendTime(due: current.due) <= now else { return }
            sendVideoPacket(measured: measured, session: session, destination: destination, transmit: transmit)
        }
    }

    private func nextRandom() -> UInt64 {
        random ^= random << 13
        random ^= random >> 7
        random ^= random << 17
        return random
    }

    private func sendAudio(measured: Bool, session: SRTPSession, destination: PeerAddress, transmit: TransmitQueue) {
        if bursty {
            if nextAudio >= burstUntil {
                talking.toggle()
                // Talk 1-3 s, pause 2-8 s.
                let span = talking ? 1000 + nextRandom() % 2000 : 2000 + nextRandom() % 6000
                burstUntil = nextAudio + span * 1_000_000
            }
        }
        let frame = talking ? clip.speech[audioFrame % clip.speech.count] : clip.silence
        silentRun = frame.level == 127 ? silentRun + 1 : 0
        audioFrame &+= 1
        let timestamp = UInt32(truncatingIfNeeded: audioFrame &* 960)
        let voiceActivity: UInt8 = frame.level < 127 ? 0x80 : 0
        let temporal = silentRun > Self.forwardedSilentPackets ? BenchStamp.droppableSilence : 0
        frame.bytes.withUnsafeBytes { opus in
            send(stream: 0, temporal: temporal, ssrc: audioSSRC, payloadType: payloadTypes.audio, marker: false, timestamp: timestamp, measured: measured,
                 session: session, destination: destination, transmit: transmit) { packet in
                // One-byte header extension (RFC 8285): id 1 = ssrc-audio-level (RFC 6464).
                packet.storeBytes(of: UInt32(0xBEDE_0001).bigEndian, toByteOffset: 12, as: UInt32.self)
                packet.storeBytes(of: UInt32(0x1000_0000 | UInt32(voiceActivity | frame.level) << 16).bigEndian, toByteOffset: 16, as: UInt32.self)
                if let base = opus.baseAddress { (packet + 20).copyMemory(from: base, byteCount: opus.count) }
                return (20 + opus.count, true)
            }
        }
    }

    /// Decides the frame's kind and numbers it on every layer; its packets leave one at a time,
    /// as the pacer lets them (`sendVideoPacket`).
    private func beginVideoFrame(due: UInt64) {
        // The first frame is one too (`keyframeRequested` starts true).
        let keyframe = keyframeRequested || (videoFrame + keyframePhase) % keyframeInterval == 0
        if keyframe { keyframeRequested = false }
        let temporal: UInt8 = keyframe ? 0 : Self.temporalPattern[videoFrame % 4]
        let timestamp = UInt32(truncatingIfNeeded: videoFrame &* 3000)
        videoFrame &+= 1
        for layer in 0..<videoSSRCs.count {
            if temporal == 0 { tl0[layer] &+= 1 }
            pictureID[layer] = (pictureID[layer] &+ 1) & 0x7FFF
        }
        frame = FrameInFlight(keyframe: keyframe, temporal: temporal, timestamp: timestamp, due: due, remaining: bytes(layer: 0, keyframe: keyframe))
    }

    /// A layer's frame size in bytes: key frames are four times a delta frame.
    private func bytes(layer: Int, keyframe: Bool) -> Int {
        keyframe ? layerFrameBytes[layer] * 4 : layerFrameBytes[layer]
    }

    /// Sends the next packet of the frame in flight, lowest layer first, and ends the frame after
    /// its top layer's last packet.
    private func sendVideoPacket(measured: Bool, session: SRTPSession, destination: PeerAddress, transmit: TransmitQueue) {
        guard var current = frame else { return }
        let layer = current.layer
        let keyframe = current.keyframe, temporal = current.temporal
        let frameBytes = bytes(layer: layer, keyframe: keyframe)
        let size = layerSizes[layer]
        let chunk = min(current.remaining, Self.maximumPayload)
        current.remaining -= chunk
        let isFirst = current.startsLayer
        current.startsLayer = false
        let picture = pictureID[layer]
        let tl0Index = tl0[layer]
        _ = pacer.schedule(bytes: chunk + Self.packetOverhead, due: current.due)
        send(stream: 1 + layer, temporal: Int(temporal), ssrc: videoSSRCs[layer], payloadType: payloadTypes.video, marker: current.remaining == 0,
             timestamp: current.timestamp, measured: measured, session: session, destination: destination, transmit: transmit) { packet in
            // VP8 payload descriptor (RFC 7741 §4.2): X, S, then I/L/T, 15-bit picture id,
            // TL0PICIDX, TID/Y/KEYIDX.
            let d = packet + 12
            d.storeBytes(of: isFirst ? 0x90 : 0x80, as: UInt8.self)
            d.storeBytes(of: 0xE0, toByteOffset: 1, as: UInt8.self)
            d.storeBytes(of: UInt16(0x8000 | picture).bigEndian, toByteOffset: 2, as: UInt16.self)
            d.storeBytes(of: tl0Index, toByteOffset: 4, as: UInt8.self)
            d.storeBytes(of: temporal << 6 | (temporal == 0 ? 0x20 : 0), toByteOffset: 5, as: UInt8.self)
            var length = 18
            if isFirst {
                // VP8 frame tag (RFC 6386 §9.1, little-endian bit fields): bit 0 clear on
                // keyframes, version 0, show_frame = 1, then the first partition's size;
                // keyframes add the start code and the layer's width and height.
                let tag = UInt32(min(frameBytes / 4, 0x7FFFF)) << 5 | 0x10 | (keyframe ? 0 : 1)
                let h = packet + length
                h.storeBytes(of: UInt8(truncatingIfNeeded: tag), as: UInt8.self)
                h.storeBytes(of: UInt8(truncatingIfNeeded: tag >> 8), toByteOffset: 1, as: UInt8.self)
                h.storeBytes(of: UInt8(truncatingIfNeeded: tag >> 16), toByteOffset: 2, as: UInt8.self)
                length += 3
                if keyframe {
                    let k = packet + length
                    k.storeBytes(of: 0x9D, as: UInt8.self)
                    k.storeBytes(of: 0x01, toByteOffset: 1, as: UInt8.self)
                    k.storeBytes(of: 0x2A, toByteOffset: 2, as: UInt8.self)
                    k.storeBytes(of: size.width.littleEndian, toByteOffset: 3, as: UInt16.self)
                    k.storeBytes(of: size.height.littleEndian, toByteOffset: 5, as: UInt16.self)
                    length += 7
                }
            }
            // Filler: the bytes are never decoded, only counted.
            let fill = max(0, chunk - (length - 12))
            (packet + length).initializeMemory(as: UInt8.self, repeating: 0x5A, count: fill)
            return (length + fill, false)
        }
        if current.remaining == 0 {
            current.layer += 1
            guard current.layer < videoSSRCs.count else {
                frame = nil
                return
            }
            current.remaining = bytes(layer: current.layer, keyframe: keyframe)
            current.startsLayer = true
        }
        frame = current
    }

    /// Builds one RTP packet in a transmit slot: `body` writes everything after the 12-byte
    /// header and returns the length so far and whether the header has an extension; the stamp
    /// follows, then SRTP protects in place.
    @inline(__always)
    private func send(
        stream: Int, temporal: Int, ssrc: UInt32, payloadType: UInt8, marker: Bool, timestamp: UInt32, measured: Bool,
        session: SRTPSession, destination: PeerAddress, transmit: TransmitQueue,
        body: (UnsafeMutableRawPointer) -> (Int, Bool)
    ) {
        let slotIndex = stream == 0 ? 0 : stream
        let seq = sequence[slotIndex] &+ 1
        sequence[slotIndex] = seq
        if stream == 0 { silenceLedger.mark(seq, droppable: temporal == BenchStamp.droppableSilence) }
        let substream = BenchStamp.substream(stream, temporal: temporal)
        let counter = counters[substream] &+ 1
        counters[substream] = counter
        let globalStream = streamBase + stream
        var written = 0
        transmit.append(to: destination) { slot in
            guard let packet = slot.baseAddress else { return 0 }
            let (length, hasExtension) = body(packet)
            packet.storeBytes(of: hasExtension ? 0x90 : 0x80, as: UInt8.self)
            packet.storeBytes(of: (marker ? 0x80 : 0) | payloadType, toByteOffset: 1, as: UInt8.self)
            packet.storeBytes(of: seq.bigEndian, toByteOffset: 2, as: UInt16.self)
            packet.storeBytes(of: timestamp.bigEndian, toByteOffset: 4, as: UInt32.self)
            packet.storeBytes(of: ssrc.bigEndian, toByteOffset: 8, as: UInt32.self)
            BenchStamp.write(into: packet, at: length, stream: globalStream, temporal: temporal, measured: measured, counter: counter,
                             sendNanoseconds: load_realtime_ns())
            let plain = length + BenchStamp.length
            written = (try? session.protectRTP(packet, length: plain, capacity: slot.count)) ?? 0
            return written
        }
        guard written > 0 else { return }
        sentTotal += 1
        bytesSent += written
        if measured { sentMeasured[substream] += 1 }
    }
}

/// A video frame some of whose packets are still to be paced out.
private struct FrameInFlight {
    let keyframe: Bool
    let temporal: UInt8
    let timestamp: UInt32
    /// When the frame was due: its packets leave at the pacer's rate from then on.
    let due: UInt64
    /// The layer being sent (lowest first) and its bytes not yet sent.
    var layer = 0
    var remaining: Int
    /// The next packet starts its layer's frame (VP8 descriptor S bit, frame tag).
    var startsLayer = true
}

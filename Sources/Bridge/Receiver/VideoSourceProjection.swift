import Primitives
import RTP

/// One receiver's view of one video source: which encoding and temporal layer it gets, and how
/// what it gets is rewritten onto one continuous outgoing stream (a slot's SSRCs for receivers
/// that rewrite, else the source's first SIM SSRC and its RTX).
///
/// Touched only by the code serving its receiver. Per packet `select` (simulcast and single-layer
/// streams: an encoding and a temporal layer) or `selectScalable` (SVC: a decode target, through
/// `decodeTargets`) decides; the caller then rewrites with `stream` (sequence numbers, timestamps),
/// `pictures` (VP8 PictureID/TL0PICIDX) and records the result in `history` for NACKs.
final class VideoSourceProjection {
    /// What to do with one packet of the source.
    enum Verdict: Equatable {
        /// Forward; `switched` on the first packet of a newly selected encoding (a key frame).
        case forward(switched: Bool)
        /// A packet of the forwarded encoding in a temporal layer above the target: dropped on
        /// purpose, so the outgoing numbering hides it.
        case dropIntentionally
        /// Not this receiver's encoding (or nothing is forwarded): not seen at all.
        case ignore
    }

    let source: VideoSource
    var outgoingSSRC: UInt32
    var outgoingRTXSSRC: UInt32?
    /// The allocation's target layer, nil when the source is not forwarded.
    private(set) var targetLayer: VideoLayer?
    /// The allocation's target encoding index, or -1 when the source is not forwarded.
    var targetEncoding: Int { targetLayer?.encoding ?? -1 }
    var targetTemporal: Int { targetLayer?.temporal ?? 0 }
    var targetSpatial: Int { targetLayer?.spatial ?? 0 }
    /// The encoding being forwarded, -1 before the first key frame of a target.
    private(set) var currentEncoding = -1
    private var currentTemporal = 0
    private var frameTimestamp: UInt32 = 0
    private var frameForwarded = false
    private var hasFrame = false

    var stream = RTPStreamProjection()
    var pictures = VP8PictureContinuity()
    var history = ForwardedPacketHistory()
    /// The sender's payload type of the last packet forwarded: padding on the RTX stream uses
    /// the RTX payload type paired with it.
    var forwardedPayloadType: UInt8?
    /// Frame selection within an SVC encoding: by its dependency descriptors, or for VP9 without
    /// them by the payload descriptor's layer indices.
    var decodeTargets = DecodeTargetSelector()
    var vp9Layers = VP9LayerSelector()
    var frameNumbers = FrameNumberContinuity()
    /// Limits the key frames this receiver's switches of this source may ask for.
    var keyframes = KeyframeRequestThrottle()

    init(source: VideoSource, outgoingSSRC: UInt32, outgoingRTXSSRC: UInt32?) {
        self.source = source
        self.outgoingSSRC = outgoingSSRC
        self.outgoingRTXSSRC = outgoingRTXSSRC
    }

    /// Whether the source is forwarded to this receiver at all.
    var isForwarded: Bool { targetEncoding >= 0 }

    /// Whether the target encoding's key frame is awaited (so one should be requested): before the
    /// encoding starts, and in an SVC encoding for a spatial move its switch points do not allow.
    var awaitsKeyframe: Bool {
        guard targetEncoding >= 0 else { return false }
        guard targetEncoding == currentEncoding else { return true }
        let encoding = source.encodings[currentEncoding]
        guard encoding.isScalable else { return false }
        return encoding.dependencyDescriptors.structure != nil ? decodeTargets.awaitsKeyframe : vp9Layers.awaitsKeyframe
    }

    /// The SSRC of the encoding currently forwarded (where receivers' feedback is mapped back to).
    var currentIncomingSSRC: UInt32? {
        let index = currentEncoding >= 0 ? currentEncoding : targetEncoding
        return index >= 0 && index < source.encodings.count ? source.encodings[index].ssrc : nil
    }

    /// Whether the packet sent under outgoing `sequenceNumber` belongs to an encoding other than
    /// the one forwarded now (or about to start, after leaving one at once): the receiver will
    /// decode from the new encoding's key frame, so repairing the old one is wasted link.
    func wasSuperseded(_ sequenceNumber: UInt16) -> Bool {
        guard let entry = history.lookup(sequenceNumber), let current = currentIncomingSSRC else { return false }
        return entry.incomingSSRC != current
    }

    /// The encoding a key frame is needed from, when one is awaited.
    var awaitedKeyframeEncoding: VideoEncoding? {
        awaitsKeyframe && targetEncoding < source.encodings.count ? source.encodings[targetEncoding] : nil
    }

    /// Sets the allocation's choice: `layer` nil stops forwarding. A lower encoding normally
    /// starts at its key frame while the current one's base layer bridges the wait; with
    /// `leavingAtOnce` (the receiver's link is overrun) the current one stops now, since its
    /// frames would only be lost in a full queue and delay the key frame behind them.
    func setTarget(_ layer: VideoLayer?, leavingAtOnce: Bool = false) {
        let encoding = layer?.encoding ?? -1
        if encoding != targetEncoding || (layer?.spatial ?? 0) != targetSpatial { keyframes.startNewTarget() }
        if leavingAtOnce, layer != nil, encoding < currentEncoding { currentEncoding = -1 }
        targetLayer = layer
        guard let layer else {
            currentEncoding = -1
            decodeTargets.stop()
            vp9Layers.stop()
            return
        }
        decodeTargets.setTarget(spatial: layer.spatial, temporal: layer.temporal)
        vp9Layers.setTarget(spatial: layer.spatial, temporal: layer.temporal)
    }

    /// Hands the outgoing stream of `previous` (a slot reused for this source) over, so the
    /// receiver's stream on that SSRC stays continuous.
    func continueOutgoingStream(of previous: VideoSourceProjection) {
        stream = previous.stream
        pictures = previous.pictures
        frameNumbers = previous.frameNumbers
        currentEncoding = -1
    }

    /// Decides for one packet of an SVC encoding, whose dependency descriptor read as `frame`.
    @inline(__always)
    func selectScalable(encodingIndex: Int, frame: AV1FrameDescription) -> Verdict {
        guard encodingIndex == targetEncoding, encodingIndex < source.encodings.count else { return .ignore }
        let descriptors = source.encodings[encodingIndex].dependencyDescriptors
        guard let structure = descriptors.structure else { return .ignore }
        let verdict = decodeTargets.select(frame, structure: structure, generation: descriptors.generation)
        if case .forward = verdict { currentEncoding = encodingIndex }
        return verdict
    }

    /// Decides for one packet of a VP9 SVC encoding without dependency descriptors.
    @inline(__always)
    func selectVP9(encodingIndex: Int, frame: VP9LayerFrame, timestamp: UInt32) -> Verdict {
        guard encodingIndex == targetEncoding else { return .ignore }
        let verdict = vp9Layers.select(frame, timestamp: timestamp)
        if case .forward = verdict { currentEncoding = encodingIndex }
        return verdict
    }

    /// Decides for one packet of encoding `encodingIndex`. Frames are decided on their first
    /// packet seen; later packets of the frame follow.
    @inline(__always)
    func select(encodingIndex: Int, timestamp: UInt32, vp8: VP8PayloadDescriptor?, isKeyframeStart: Bool) -> Verdict {
        guard targetEncoding >= 0 else { return .ignore }
        if encodingIndex == currentEncoding, isKeyframeStart, targetEncoding < currentEncoding {
            // The encoding being left sends a key frame (browsers answer a request for one layer
            // on all of them): its biggest frame, into a link that was just found too small for
            // it, would be lost and retransmitted for seconds while the target's key frame queues
            // behind it. It ends the old encoding instead; the target's key frame is due now.
            currentEncoding = -1
            return .ignore
        }
        if encodingIndex != currentEncoding {
            // A switch (or the start) happens only at a key frame of the target, which decodes
            // without anything sent before.
            guard encodingIndex == targetEncoding, isKeyframeStart else { return .ignore }
            currentEncoding = encodingIndex
            currentTemporal = targetTemporal
            frameTimestamp = timestamp
            frameForwarded = true
            hasFrame = true
            return .forward(switched: true)
        }
        if !hasFrame || timestamp != frameTimestamp {
            let temporal = vp8?.temporalLayerID.map(Int.init) ?? 0
            // Until the lower encoding's key frame arrives, the higher one's base layer alone keeps
            // the picture moving at a fraction of the rate: a receiver switched down for bandwidth
            // has no room for the whole encoding it is leaving.
            let ceiling = targetEncoding < currentEncoding ? 0 : targetTemporal
            if ceiling < currentTemporal {
                currentTemporal = ceiling
            } else if ceiling > currentTemporal, temporal == 0 || (vp8?.isLayerSync == true && temporal <= ceiling) {
                // Going up is safe only where the higher layer does not depend on frames the
                // receiver never got: a base-layer frame or a layer-sync frame.
                currentTemporal = ceiling
            }
            frameTimestamp = timestamp
            frameForwarded = temporal <= currentTemporal
            hasFrame = true
        }
        return frameForwarded ? .forward(switched: false) : .dropIntentionally
    }
}

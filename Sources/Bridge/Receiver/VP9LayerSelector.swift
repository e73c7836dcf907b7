/// Picks what one receiver gets of a VP9 SVC stream that carries no dependency descriptor, from the
/// payload descriptor's layer indices (RFC 9628): the layer frames up to a spatial and temporal layer.
///
/// Layers change at picture boundaries. A key picture can start any spatial layer. Going down a
/// spatial layer needs no key picture if the receiver got every lower-layer frame since the last one
/// (full SVC, where upper layers predict from lower ones); in K-SVC the lower layers' frames after
/// the key picture are not sent to a receiver of a higher layer (Z bit), so a move down waits for a
/// key picture too. Temporal layers go down at once and up at a base-layer or switching-up (U) frame.
///
/// Plain state, no clocks: the caller passes each packet's layer frame and RTP timestamp.
struct VP9LayerSelector {
    private(set) var targetSpatial = -1
    private(set) var targetTemporal = 0
    /// The layers being forwarded, nil before the first key picture.
    private(set) var currentSpatial: Int?
    private(set) var currentTemporal = 0
    private(set) var needsBegin = true
    private var pictureTimestamp: UInt32 = 0
    /// A lower-layer frame was held back since the last key picture: the lower layers cannot be
    /// decoded on their own until the next one.
    private var heldBackLowerLayers = false

    var isForwarding: Bool { targetSpatial >= 0 }

    /// A key picture is what the receiver waits for: nothing forwarded yet, an upward spatial move,
    /// or a downward one whose lower-layer frames it did not get.
    var awaitsKeyframe: Bool {
        guard isForwarding else { return false }
        guard let currentSpatial else { return true }
        return targetSpatial > currentSpatial || (targetSpatial < currentSpatial && heldBackLowerLayers)
    }

    mutating func setTarget(spatial: Int, temporal: Int) {
        targetSpatial = spatial
        targetTemporal = temporal
    }

    mutating func stop() {
        targetSpatial = -1
        currentSpatial = nil
        needsBegin = true
    }

    @inline(__always)
    mutating func select(_ frame: VP9LayerFrame, timestamp: UInt32) -> VideoSourceProjection.Verdict {
        guard isForwarding else { return .ignore }
        var started = false
        if currentSpatial == nil {
            guard frame.isKeyframeStart else { return needsBegin ? .ignore : .dropIntentionally }
            started = needsBegin
            needsBegin = false
            startPicture(frame, timestamp: timestamp, isKey: true)
        } else if timestamp != pictureTimestamp {
            startPicture(frame, timestamp: timestamp, isKey: frame.isKeyframeStart)
        }
        guard let currentSpatial, frame.spatial <= currentSpatial, frame.temporal <= currentTemporal else {
            return .dropIntentionally
        }
        if frame.spatial < currentSpatial && frame.isNotReferenceForUpperLayers {
            heldBackLowerLayers = true
            return .dropIntentionally
        }
        return .forward(switched: started)
    }

    /// Whether the packet ends the last layer frame of its picture the receiver gets.
    @inline(__always)
    func endsForwardedPicture(_ frame: VP9LayerFrame) -> Bool {
        frame.isEndOfFrame && frame.spatial == currentSpatial
    }

    private mutating func startPicture(_ frame: VP9LayerFrame, timestamp: UInt32, isKey: Bool) {
        pictureTimestamp = timestamp
        if isKey {
            currentSpatial = targetSpatial
            currentTemporal = targetTemporal
            heldBackLowerLayers = false
            return
        }
        if let current = currentSpatial, targetSpatial < current, !heldBackLowerLayers { currentSpatial = targetSpatial }
        if targetTemporal < currentTemporal {
            currentTemporal = targetTemporal
        } else if targetTemporal > currentTemporal, frame.temporal == 0 || (frame.isSwitchingUp && frame.temporal <= targetTemporal) {
            currentTemporal = targetTemporal
        }
    }
}

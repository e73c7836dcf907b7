import RTP

/// Picks, frame by frame, what one receiver gets of an SVC stream (every spatial and temporal layer
/// on one SSRC, described by AV1 dependency descriptors): the frames of one decode target, the one
/// closest to the allocation's target layer among those the sender still sends.
///
/// A frame goes out when its indication for the decode target being followed is anything but "not
/// present". Moving to another decode target happens at a frame that starts the new target cleanly:
/// its indication for it is "switch" and every frame it refers to reached the receiver. A target
/// whose frames are a subset of the current one's (fewer temporal layers, or a lower spatial layer
/// in full SVC) needs no switch point: the move happens at the next temporal unit. A spatial move
/// that no such frame allows (K-SVC modes like L3T3_KEY) needs a key frame: `awaitsKeyframe`.
///
/// Plain state: the caller passes each packet's frame description, the sender's structure and its
/// generation (which changes when a key frame brings a new structure, renumbering decode targets).
/// What decisions need of the structure is copied once per generation into fixed tables, so the
/// target can be resolved the moment it is set (allocation asks `awaitsKeyframe` right after).
struct DecodeTargetSelector {
    /// The layer allocation asked for; spatial -1 while the source is not forwarded.
    private(set) var targetSpatial = -1
    private(set) var targetTemporal = 0
    /// The decode target followed, nil before a start (or after a structure change, until the key frame).
    private(set) var current: Int?
    /// The decode target the target layer resolves to under the structure and active set last seen.
    private(set) var desired: Int?
    /// Whether every frame present in `desired` is present in `current` (no switch point needed).
    private var desiredIsWithinCurrent = false
    /// The decode targets of the structure of `generation`.
    private var targets = DecodeTargetTable()
    /// The active decode targets last seen (bit i: decode target i).
    private var activeDecodeTargets: UInt32 = 0
    /// The generation of the structure the decisions refer to (-1: none yet).
    private var generation = -1
    /// Whether the outgoing stream must be (re)started, as opposed to continued over dropped frames.
    private(set) var needsBegin = true
    private var frameNumber: UInt16 = 0
    private var hasFrame = false
    private var frameForwarded = false
    /// The spatial layer of the last frame seen: a frame at or below it begins a temporal unit
    /// (encoders send a temporal unit's layer frames lowest spatial layer first).
    private var lastFrameSpatial = Int.max
    private var forwarded = ForwardedFrameNumbers()

    /// Per decode target of one structure: its layers, and which targets contain it.
    private struct DecodeTargetTable {
        var count = 0
        var spatial = InlineArray<32, UInt8>(repeating: 0)
        var temporal = InlineArray<32, UInt8>(repeating: 0)
        /// Bit o of `containers[t]`: every template present in decode target t is present in o.
        var containers = InlineArray<32, UInt32>(repeating: 0)

        init() {}

        init(_ structure: AV1TemplateStructure) {
            // Built in locals and assigned once: Swift 6.3.1 -O lost looped writes to a struct's
            // InlineArray inside its initializer (see AV1FrameDiffs.init?(_:)).
            let count = structure.decodeTargetCount
            let all = structure.allDecodeTargets
            var spatial = InlineArray<32, UInt8>(repeating: 0)
            var temporal = InlineArray<32, UInt8>(repeating: 0)
            var containers = InlineArray<32, UInt32>(repeating: 0)
            for target in 0..<count {
                let layers = structure.layers(ofDecodeTarget: target)
                spatial[target] = layers.spatialID
                temporal[target] = layers.temporalID
                containers[target] = all
            }
            for index in 0..<structure.templateCount {
                let present = structure.template(at: index).decodeTargetIndications.presentTargets
                for target in 0..<count where present & (1 << UInt32(target)) != 0 { containers[target] &= present }
            }
            self.count = count
            self.spatial = spatial
            self.temporal = temporal
            self.containers = containers
        }

        /// Decode target `target`'s spatial and temporal layer.
        @inline(__always)
        func layer(_ target: Int) -> (spatial: Int, temporal: Int) { (Int(spatial[target]), Int(temporal[target])) }

        @inline(__always)
        func isSubset(_ inner: Int, of outer: Int) -> Bool { containers[inner] & (1 << UInt32(outer)) != 0 }
    }

    /// The layers of the decode target followed (0 before a start).
    var currentSpatial: Int { current.map { targets.layer($0).spatial } ?? 0 }
    var currentTemporal: Int { current.map { targets.layer($0).temporal } ?? 0 }

    /// Whether frames are selected for the receiver at all.
    var isForwarding: Bool { targetSpatial >= 0 }

    /// Whether a key frame is what the receiver waits for: nothing forwarded yet, or a spatial move
    /// that the stream's own switch points do not allow.
    var awaitsKeyframe: Bool {
        guard isForwarding else { return false }
        guard let current else { return true }
        guard let desired, desired != current else { return false }
        return targets.layer(desired).spatial != targets.layer(current).spatial && !desiredIsWithinCurrent
    }

    /// Sets the allocation's target layer (resolved at once against the structure last seen).
    mutating func setTarget(spatial: Int, temporal: Int) {
        targetSpatial = spatial
        targetTemporal = temporal
        resolve()
    }

    /// Stops forwarding: the next start begins a new stream, at a key frame.
    mutating func stop() {
        targetSpatial = -1
        current = nil
        desired = nil
        needsBegin = true
        hasFrame = false
        forwarded.removeAll()
    }

    /// Decides for one packet whose descriptor read as `frame`, with the sender's `structure`.
    @inline(__always)
    mutating func select(
        _ frame: AV1FrameDescription, structure: AV1TemplateStructure, generation: Int
    ) -> VideoSourceProjection.Verdict {
        guard isForwarding else { return .ignore }
        if generation != self.generation {
            // New decode-target numbering: restart at this structure's key frame (this packet).
            self.generation = generation
            targets = DecodeTargetTable(structure)
            activeDecodeTargets = frame.activeDecodeTargets
            current = nil
            hasFrame = false
            forwarded.removeAll()
            resolve()
        } else if frame.activeDecodeTargets != activeDecodeTargets {
            activeDecodeTargets = frame.activeDecodeTargets
            resolve()
        }
        if hasFrame && frame.frameNumber == frameNumber {
            return verdictForCurrentFrame(started: false)
        }
        let spatial = Int(frame.spatialID)
        let startsTemporalUnit = spatial <= lastFrameSpatial
        lastFrameSpatial = spatial
        let indications = frame.decodeTargetIndications
        guard let desired, desired < indications.count else { return needsBegin ? .ignore : .dropIntentionally }
        var started = false
        if current == nil {
            guard frame.isStartOfFrame, indications[desired] == .switch, referencesWereForwarded(frame) else {
                return needsBegin ? .ignore : .dropIntentionally
            }
            adopt(desired)
            started = needsBegin
            needsBegin = false
        } else if desired != current, frame.isStartOfFrame,
            canSwitch(to: desired, at: frame, startsTemporalUnit: startsTemporalUnit)
        {
            adopt(desired)
        }
        frameNumber = frame.frameNumber
        hasFrame = true
        frameForwarded = current.map { $0 < indications.count && indications[$0] != .notPresent } ?? false
        if frameForwarded { forwarded.insert(frame.frameNumber) }
        return verdictForCurrentFrame(started: started)
    }

    /// Whether the packet ends the last frame the receiver gets of its temporal unit: the frame of
    /// the followed decode target's spatial layer. The sender marks only the end of its own top layer.
    @inline(__always)
    func endsForwardedTemporalUnit(_ frame: AV1FrameDescription) -> Bool {
        frame.isEndOfFrame && Int(frame.spatialID) == currentSpatial
    }

    @inline(__always)
    private func verdictForCurrentFrame(started: Bool) -> VideoSourceProjection.Verdict {
        frameForwarded ? .forward(switched: started) : .dropIntentionally
    }

    /// Whether the receiver can move to `desired` at `frame` (the first packet of a frame). A frame
    /// of the desired target must be a switch point, or the target a subset of the current one,
    /// and refer only to frames forwarded. A frame outside it is dropped: for a subset target that
    /// can begin at the start of a temporal unit (a partly forwarded unit would lack its marker).
    @inline(__always)
    private func canSwitch(to desired: Int, at frame: AV1FrameDescription, startsTemporalUnit: Bool) -> Bool {
        let indication = frame.decodeTargetIndications[desired]
        if indication == .notPresent { return desiredIsWithinCurrent && startsTemporalUnit }
        return (indication == .switch || desiredIsWithinCurrent) && referencesWereForwarded(frame)
    }

    private mutating func adopt(_ target: Int) {
        current = target
        // The subset relation refers to the current target.
        resolve()
    }

    private func referencesWereForwarded(_ frame: AV1FrameDescription) -> Bool {
        let diffs = frame.frameDiffs
        for index in 0..<diffs.count where !forwarded.contains(frame.frameNumber &- diffs[index]) { return false }
        return true
    }

    /// The best active decode target at or below the target layer (spatial first, then temporal),
    /// else the lowest active one, so a source with no layer small enough stays visible.
    private mutating func resolve() {
        var best: Int?
        var lowest: Int?
        for target in 0..<targets.count where activeDecodeTargets & (1 << UInt32(target)) != 0 {
            let layer = targets.layer(target)
            if lowest.map({ layer < targets.layer($0) }) ?? true { lowest = target }
            guard layer.spatial <= targetSpatial, layer.temporal <= targetTemporal else { continue }
            if best.map({ targets.layer($0) < layer }) ?? true { best = target }
        }
        desired = best ?? lowest
        desiredIsWithinCurrent = false
        if let desired, let current, desired != current, desired < targets.count, current < targets.count {
            desiredIsWithinCurrent = targets.isSubset(desired, of: current)
        }
    }
}

import CongestionControl
import Primitives

/// Everything the bridge keeps to serve one endpoint as a receiver: its constraints and
/// allocation, its per-source projections and, when it rewrites SSRCs, its slots.
///
/// Touched only by the code serving this receiver (its forwarding loop iteration, its feedback,
/// its bridge-channel messages): nothing here is shared with other receivers, which is what lets
/// receivers be spread over several media threads later without locks.
final class Receiver {
    /// JVB's `videobridge.ssrc-limit`: slots per media kind.
    static let slotLimit = 50

    /// Whether the endpoint advertised `ssrc-rewriting`: it then learns remote sources only from
    /// the maps, and everything it receives goes out under slot SSRCs.
    let rewritesSSRCs: Bool
    var constraints = ReceiverConstraints.initial
    /// Source key → projection, for every video source ever allocated to this receiver that
    /// still exists.
    private(set) var videoProjections: [Int: VideoSourceProjection] = [:]
    /// Outgoing primary or RTX SSRC → projection: maps the receiver's NACK/PLI/FIR back.
    private(set) var videoProjectionsByOutgoingSSRC: [UInt32: VideoSourceProjection] = [:]
    /// Source key → audio slot projection (rewriting receivers only).
    private(set) var audioProjections: [Int: AudioSourceProjection] = [:]
    private(set) var videoSlots = SSRCSlotTable(capacity: Receiver.slotLimit, withRTX: true)
    private(set) var audioSlots = SSRCSlotTable(capacity: Receiver.slotLimit, withRTX: false)
    /// The `ForwardedSources` list last sent, to send only changes.
    private(set) var announcedForwardedSources: [String]?
    /// Sequence numbers of the RTX streams the bridge originates toward this receiver.
    var rtxSequenceNumbers: [UInt32: UInt16] = [:]
    /// The link to this receiver: the bridge's transport-wide numbering and bandwidth estimate.
    var downlink = Downlink()
    /// Padding that probes the downlink while the forwarded layers leave it underused.
    var padding = PaddingPacer()
    /// The downlink estimate the current allocation was made with (nil: none yet), so a new
    /// estimate re-allocates only when it differs enough (`bandwidthChangeThreshold`).
    var allocatedEstimateBps: Int?
    /// The bitrate of the layers the current allocation forwards (its target).
    var allocatedBitrateBps = 0
    var nextConnectionStatsAt: Instant?

    init(rewritesSSRCs: Bool, initialMaxHeight: Int = 0) {
        self.rewritesSSRCs = rewritesSSRCs
        constraints.defaultConstraints = VideoConstraints(maxHeight: initialMaxHeight)
    }

    /// The projection that decides what this receiver gets of `source`, if it gets anything.
    @inline(__always)
    func projection(for source: VideoSource) -> VideoSourceProjection? { videoProjections[source.key] }

    /// What applying an allocation asks the engine to send.
    struct AllocationOutcome {
        /// Video slots newly assigned or reassigned (rewriting receivers): send a `VideoSourcesMap`.
        var newMappings: [VideoSourceProjection] = []
        /// The forwarded set changed: send `ForwardedSources`.
        var forwardedSources: [String]?
        /// Sources whose target layer changed (nil: not forwarded), for the log.
        var retargeted: [(source: String, from: VideoLayer?, to: VideoLayer?)] = []
    }

    /// Applies a new allocation over the conference's current video sources (not the receiver's
    /// own): targets set, slots assigned to every forwarded source (rewriting receivers), and
    /// state of sources that are gone dropped.
    /// `linkIsOverrun`: the receiver's link no longer carries what it is being sent, so sources
    /// switched down stop their old layers at once instead of bridging the wait for the new key
    /// frame (see `VideoSourceProjection.setTarget`).
    func apply(
        _ allocation: VideoAllocation, sources: [VideoSource], linkIsOverrun: Bool = false,
        random: inout some RandomNumberGenerator, isSSRCInUse: (UInt32) -> Bool
    ) -> AllocationOutcome {
        var outcome = AllocationOutcome()
        let live = Set(sources.map(\.key))
        for (key, projection) in videoProjections where !live.contains(key) { remove(projection) }
        let sourcesByName = Dictionary(sources.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        var targeted = Set<Int>()
        for decision in allocation.sources {
            guard let source = sourcesByName[decision.sourceName], let layer = decision.targetLayer else { continue }
            targeted.insert(source.key)
            let (projection, isNew) = projectionCreatingIfNeeded(for: source, random: &random, isSSRCInUse: isSSRCInUse)
            retarget(projection, to: layer, leavingAtOnce: linkIsOverrun, noting: &outcome)
            if isNew && rewritesSSRCs { outcome.newMappings.append(projection) }
        }
        for (key, projection) in videoProjections where !targeted.contains(key) {
            retarget(projection, to: nil, leavingAtOnce: linkIsOverrun, noting: &outcome)
        }
        let forwarded = allocation.forwardedSources
        if forwarded != announcedForwardedSources {
            announcedForwardedSources = forwarded
            outcome.forwardedSources = forwarded
        }
        return outcome
    }

    private func retarget(
        _ projection: VideoSourceProjection, to layer: VideoLayer?, leavingAtOnce: Bool, noting outcome: inout AllocationOutcome
    ) {
        let before = projection.targetLayer
        projection.setTarget(layer, leavingAtOnce: leavingAtOnce)
        if before?.selects(sameAs: layer) != true && !(before == nil && layer == nil) {
            outcome.retargeted.append((projection.source.name, before, layer))
        }
    }

    /// The projection of `source`, made on its first allocation: under a slot for rewriting
    /// receivers (taking over the least recently used one when all are taken), else under the
    /// source's own first SSRC. `isNew` when the receiver must be told the mapping.
    private func projectionCreatingIfNeeded(
        for source: VideoSource, random: inout some RandomNumberGenerator, isSSRCInUse: (UInt32) -> Bool
    ) -> (VideoSourceProjection, isNew: Bool) {
        if let existing = videoProjections[source.key] {
            if rewritesSSRCs { _ = videoSlots.touch(source.key) }
            return (existing, false)
        }
        let projection: VideoSourceProjection
        if rewritesSSRCs {
            let assignment = videoSlots.assign(source.key, using: &random) { isSSRCInUse($0) || audioSlots.owns(ssrc: $0) }
            let slot = videoSlots.slot(at: assignment.slotIndex)
            projection = VideoSourceProjection(source: source, outgoingSSRC: slot.primarySSRC, outgoingRTXSSRC: slot.rtxSSRC)
            if let previous = outgoingProjection(onSlot: slot.primarySSRC) {
                projection.continueOutgoingStream(of: previous)
                remove(previous)
            }
        } else {
            let first = source.encodings[0]
            projection = VideoSourceProjection(source: source, outgoingSSRC: first.ssrc, outgoingRTXSSRC: first.rtxSSRC)
        }
        videoProjections[source.key] = projection
        videoProjectionsByOutgoingSSRC[projection.outgoingSSRC] = projection
        if let rtx = projection.outgoingRTXSSRC { videoProjectionsByOutgoingSSRC[rtx] = projection }
        return (projection, true)
    }

    /// The projection that last used the slot whose primary SSRC is `ssrc` (a reused slot).
    private func outgoingProjection(onSlot ssrc: UInt32) -> VideoSourceProjection? { videoProjectionsByOutgoingSSRC[ssrc] }

    private func remove(_ projection: VideoSourceProjection) {
        videoProjections[projection.source.key] = nil
        if videoProjectionsByOutgoingSSRC[projection.outgoingSSRC] === projection {
            videoProjectionsByOutgoingSSRC[projection.outgoingSSRC] = nil
        }
        if let rtx = projection.outgoingRTXSSRC, videoProjectionsByOutgoingSSRC[rtx] === projection {
            videoProjectionsByOutgoingSSRC[rtx] = nil
        }
    }

    /// The audio slot projection of `source` for a rewriting receiver, assigning a slot on the
    /// source's first packet; `isNew` when the receiver must be sent the `AudioSourcesMap`.
    @inline(__always)
    func audioProjection(
        for source: AudioSource, random: inout some RandomNumberGenerator, isSSRCInUse: (UInt32) -> Bool
    ) -> (AudioSourceProjection, isNew: Bool) {
        if let existing = audioProjections[source.key] { return (existing, false) }
        return assignAudioSlot(to: source, random: &random, isSSRCInUse: isSSRCInUse)
    }

    private func assignAudioSlot(
        to source: AudioSource, random: inout some RandomNumberGenerator, isSSRCInUse: (UInt32) -> Bool
    ) -> (AudioSourceProjection, isNew: Bool) {
        let assignment = audioSlots.assign(source.key, using: &random) { isSSRCInUse($0) || videoSlots.owns(ssrc: $0) }
        let slot = audioSlots.slot(at: assignment.slotIndex)
        let projection = AudioSourceProjection(source: source, outgoingSSRC: slot.primarySSRC)
        if let previous = audioProjections.values.first(where: { $0.outgoingSSRC == slot.primarySSRC }) {
            audioProjections[previous.source.key] = nil
            projection.stream = previous.stream
        }
        audioProjections[source.key] = projection
        return (projection, true)
    }

    /// The current video mappings, for a bridge channel that (re)connects.
    var videoMappings: [VideoSourceProjection] { videoProjections.values.sorted { $0.source.key < $1.source.key } }

    /// The current audio mappings, for a bridge channel that (re)connects.
    var audioMappings: [AudioSourceProjection] { audioProjections.values.sorted { $0.source.key < $1.source.key } }

    /// Forces `ForwardedSources` to be sent again with the next allocation.
    func forgetAnnouncements() { announcedForwardedSources = nil }
}

import Primitives

/// What the dominant speaker identification keeps for one endpoint: its last 50 audio levels,
/// a tracked noise floor, and when it last showed speech. Fixed size; allocated once when the
/// endpoint is registered.
///
/// A final class so the per-packet path writes through a reference it looked up by slot index,
/// without a Dictionary access or copy-on-write of a struct held in an array.
final class SpeakerActivity {
    typealias Parameters = SpeechActivityParameters

    let endpointID: String
    /// Bumped each time the slot is reused, so handles of removed endpoints stop matching.
    let generation: UInt32

    /// Levels in the detector's scale (0 silence … 127 loudest), a ring; `newest` indexes the
    /// most recent one. Starts silent.
    private var levels: [UInt8]
    private var newest = 0

    /// The lowest non-silent level seen, taken as this speaker's "silence" (a microphone's
    /// background noise); 0 while unknown. Levels less than one sub-band above it count as 0.
    private(set) var noiseFloor: UInt8 = 0
    /// The lowest level of the current estimation window, for raising a stale floor.
    private var windowMinimum: UInt8 = 0
    private var windowLength = 0

    /// When the last real level arrived, and how many silent levels idling has pushed since.
    private(set) var lastLevelAt: Instant?
    private var idleLevelsPushed: Int64 = 0

    /// The last decision at which the long interval showed speech.
    var lastSpokeAt: Instant?
    /// Whether this endpoint ever was the dominant speaker (it then sits among the recent
    /// speakers at the front of the speech order).
    var wasPromoted = false

    init(endpointID: String, generation: UInt32) {
        self.endpointID = endpointID
        self.generation = generation
        levels = [UInt8](repeating: 0, count: Parameters.historyLength)
    }

    /// Records an RFC 6464 level (0 loudest … 127 silence) received at `now`. Does not allocate.
    @inline(__always)
    func receive(rfc6464Level: UInt8, now: Instant) {
        if let last = lastLevelAt, now < last { return }  // late: the history is in arrival order
        fadeIfIdle(now: now)
        let loudest = UInt8(Parameters.maximumLevel)
        let level = rfc6464Level >= loudest ? 0 : loudest &- rfc6464Level
        push(level)
        updateNoiseFloor(with: level)
        lastLevelAt = now
        idleLevelsPushed = 0
    }

    /// Pushes one silent level for every level-idle period that passed without a real level,
    /// as JVB's periodic idle check does (its checks run every 40 ms; this catches up lazily).
    func fadeIfIdle(now: Instant) {
        guard let last = lastLevelAt else { return }
        let idle = now.milliseconds(since: last)
        guard idle > Parameters.levelIdleTimeoutMilliseconds else { return }
        let owed = (idle - 1) / Parameters.levelIdleTimeoutMilliseconds
        // More than a whole history of silence changes nothing further.
        var missing = owed - idleLevelsPushed
        if missing > Int64(Parameters.historyLength) { missing = Int64(Parameters.historyLength) }
        while missing > 0 {
            push(0)
            missing -= 1
        }
        idleLevelsPushed = owed
    }

    /// The three interval scores of the current history.
    func scores() -> SpeechActivityScores {
        // A level less than one sub-band above the noise floor is this speaker's silence; the
        // rest map to their sub-band (0…12). Counted newest first.
        let threshold = Int(noiseFloor) + Parameters.subbandWidth
        var index = newest
        var immediate = 0
        var activeFramesInBlock = 0
        var activeBlocks = 0
        var mediumOfNewestBlock = 0
        for position in 0..<Parameters.historyLength {
            let level = Int(levels[index])
            let subbands = level < threshold ? 0 : level / Parameters.subbandWidth
            if position == 0 { immediate = subbands }
            if subbands > Parameters.mediumThreshold { activeFramesInBlock += 1 }
            if (position + 1) % Parameters.immediatesPerMedium == 0 {
                if position < Parameters.immediatesPerMedium { mediumOfNewestBlock = activeFramesInBlock }
                if activeFramesInBlock > Parameters.longThreshold { activeBlocks += 1 }
                activeFramesInBlock = 0
            }
            index = index == 0 ? Parameters.historyLength - 1 : index - 1
        }
        return SpeechActivityScores(
            immediate: SpeechActivityScoreTable.immediate.logScore(immediate),
            medium: SpeechActivityScoreTable.medium.logScore(mediumOfNewestBlock),
            long: SpeechActivityScoreTable.long.logScore(activeBlocks))
    }

    @inline(__always)
    private func push(_ level: UInt8) {
        newest = newest + 1 == Parameters.historyLength ? 0 : newest + 1
        levels[newest] = level
    }

    /// Tracks the minimum non-silent level. A lower level takes over at once; a floor that has
    /// become too low (the room got noisier) rises slowly, to the geometric mean of itself and
    /// the minimum of the last 750 levels.
    private func updateNoiseFloor(with level: UInt8) {
        guard level != 0 else { return }
        if noiseFloor == 0 || level < noiseFloor {
            noiseFloor = level
            windowMinimum = 0
            windowLength = 0
            return
        }
        if windowMinimum == 0 || level < windowMinimum { windowMinimum = level }
        windowLength += 1
        if windowLength >= Parameters.noiseFloorWindow {
            let raised = (Double(noiseFloor) * Double(windowMinimum)).squareRoot()
            noiseFloor = UInt8(min(max(raised, 0), Double(Parameters.maximumLevel)))
            windowMinimum = 0
            windowLength = 0
        }
    }
}

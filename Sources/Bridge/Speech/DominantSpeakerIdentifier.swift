public import Primitives

/// Picks a conference's dominant speaker from the audio levels its endpoints send (RFC 6464),
/// as jitsi-videobridge does: every endpoint's last second of levels is scored for speech
/// activity over an immediate (one packet), medium (5 packets) and long (50 packets) interval,
/// and a contender replaces the dominant speaker only when it beats it by set ratios in all
/// three (see `SpeechActivityParameters`). A cough or a short interjection wins the immediate
/// and medium intervals but not the long one, so it does not take over.
///
/// Sans-IO and single-threaded: the owner passes the time in and calls it from the media
/// thread. Per endpoint it keeps a fixed 50-level history; nothing grows with time.
///
/// Wiring it into the engine (one identifier per `Conference`):
/// - endpoint created: keep `register(endpointID:)`'s handle (and a `SilentAudioFilter`) on the
///   `Endpoint`; endpoint expired: `endpointRemoved(_:)` and broadcast the change it returns.
/// - each audio packet about to be forwarded whose audio-level extension is present (level =
///   the extension's first byte & 0x7F): if the endpoint's `SilentAudioFilter` says drop, drop
///   it (and report nothing); otherwise `levelReceived(_:level:now:)`. Force-muted packets are
///   dropped before either, as in JVB.
/// - `nextDeadline()`: include `nextDecisionAt`; `handleTimeout(now:)`: call `decide(now:)` and
///   send any change as `DominantSpeakerEndpointChangeEvent` to every endpoint's data channel.
/// - a data channel that opens: send it `announcement`, if any (JVB does on connect).
/// - allocation/last-N: `speechOrder` (recent dominant speakers first, then the rest).
public final class DominantSpeakerIdentifier {
    typealias Parameters = SpeechActivityParameters

    public struct Configuration: Sendable {
        /// How long nobody may speak before the identifier announces silence; nil turns
        /// silence detection off, as JVB's default (`enable-silence-detection = false`) does:
        /// then the dominant speaker stays until someone else wins.
        public var silenceTimeoutMilliseconds: Int64?

        public init(silenceTimeoutMilliseconds: Int64? = nil) {
            self.silenceTimeoutMilliseconds = silenceTimeoutMilliseconds
        }

        /// JVB's defaults: silence detection off.
        public static let jvbDefault = Configuration()
        /// Silence detection on with JVB's `silence-detection-timeout` (3 s).
        public static let silenceDetection = Configuration(
            silenceTimeoutMilliseconds: SpeechActivityParameters.jvbSilenceDetectionTimeoutMilliseconds)
    }

    public let configuration: Configuration

    private var slots: [SpeakerActivity?] = []
    private var freeSlots: [Int] = []
    private var slotByEndpoint: [String: Int] = [:]
    private var nextGeneration: UInt32 = 1
    /// Slots in speech order: endpoints that were dominant, most recent first (`promotedCount`
    /// of them), then the others in the order they registered.
    private var order: [Int] = []
    private var promotedCount = 0
    /// The speaker contenders must beat; nil before anyone spoke, during silence and after the
    /// dominant speaker left (contenders then compete against a silent floor).
    private var incumbent: Int?
    /// The last decision at which the dominant speaker (or, once it left, its predecessor as
    /// dominant) showed speech in the long interval; the silence timeout runs from here.
    private var dominantSpokeAt: Instant?
    private var lastDecisionAt: Instant?
    private var lastLevelAt: Instant?

    /// Whether silence was announced and nobody has spoken since. Starts true with silence
    /// detection on, as JVB does (nobody has spoken yet).
    public private(set) var isInSilence: Bool
    /// When `decide(now:)` next has work; nil while no endpoint sent a level for 15 s.
    public private(set) var nextDecisionAt: Instant?

    public init(configuration: Configuration = .jvbDefault) {
        self.configuration = configuration
        isInSilence = configuration.silenceTimeoutMilliseconds != nil
    }

    // MARK: Endpoints

    /// Registers an endpoint (at the end of the speech order) and returns the handle the packet
    /// path reports its levels with. Registering a known endpoint returns its handle.
    public func register(endpointID: String) -> SpeakerHandle {
        if let slot = slotByEndpoint[endpointID], let speaker = slots[slot] {
            return SpeakerHandle(slot: UInt32(slot), generation: speaker.generation)
        }
        let generation = nextGeneration
        nextGeneration &+= 1
        let speaker = SpeakerActivity(endpointID: endpointID, generation: generation)
        let slot: Int
        if let free = freeSlots.popLast() {
            slot = free
            slots[slot] = speaker
        } else {
            slot = slots.count
            slots.append(speaker)
        }
        slotByEndpoint[endpointID] = slot
        order.append(slot)
        return SpeakerHandle(slot: UInt32(slot), generation: generation)
    }

    /// The handle of a registered endpoint.
    public func handle(for endpointID: String) -> SpeakerHandle? {
        guard let slot = slotByEndpoint[endpointID], let speaker = slots[slot] else { return nil }
        return SpeakerHandle(slot: UInt32(slot), generation: speaker.generation)
    }

    /// Forgets an endpoint. Returns the change to announce when the recent speakers changed
    /// (the dominant speaker left: the previous one is announced in its place), as JVB does.
    public func endpointRemoved(_ handle: SpeakerHandle) -> DominantSpeakerChange? {
        guard let speaker = speaker(for: handle) else { return nil }
        let slot = Int(handle.slot)
        let recentBefore = recentSlots()
        if let position = order.firstIndex(of: slot) { order.remove(at: position) }
        if speaker.wasPromoted { promotedCount -= 1 }
        if incumbent == slot { incumbent = nil }
        slots[slot] = nil
        freeSlots.append(slot)
        slotByEndpoint[speaker.endpointID] = nil
        if order.isEmpty { nextDecisionAt = nil }
        let recentAfter = recentSlots()
        guard recentAfter != recentBefore else { return nil }
        return currentChange(dominantSpeakerChanged: recentAfter.first != recentBefore.first)
    }

    /// Forgets an endpoint by id.
    public func endpointRemoved(endpointID: String) -> DominantSpeakerChange? {
        handle(for: endpointID).flatMap { endpointRemoved($0) }
    }

    // MARK: Per packet

    /// Records the RFC 6464 level (0 loudest … 127 silence, -dBov) of one audio packet. Does
    /// not allocate; a stale handle is ignored.
    @inline(__always)
    public func levelReceived(_ handle: SpeakerHandle, level: UInt8, now: Instant) {
        guard let speaker = speaker(for: handle) else { return }
        speaker.receive(rfc6464Level: level, now: now)
        lastLevelAt = now
        if nextDecisionAt == nil {
            // The first level after an idle spell decides at once, then every 300 ms.
            let earliest = lastDecisionAt?.adding(milliseconds: Parameters.decisionIntervalMilliseconds) ?? now
            nextDecisionAt = max(now, earliest)
        }
    }

    // MARK: Decision

    /// Runs the decision when it is due (every 300 ms while levels arrive) and returns what to
    /// announce if the dominant speaker changed or silence began or ended; nil otherwise.
    public func decide(now: Instant) -> DominantSpeakerChange? {
        guard let due = nextDecisionAt, now >= due else { return nil }
        lastDecisionAt = now
        if let last = lastLevelAt, now.milliseconds(since: last) < Parameters.idleDecisionStopMilliseconds {
            nextDecisionAt = now.adding(milliseconds: Parameters.decisionIntervalMilliseconds)
        } else {
            nextDecisionAt = nil
        }
        return makeDecision(now: now)
    }

    private func makeDecision(now: Instant) -> DominantSpeakerChange? {
        for case let speaker? in slots { speaker.fadeIfIdle(now: now) }

        let incumbentScores: SpeechActivityScores
        if let incumbent, let speaker = slots[incumbent] {
            incumbentScores = evaluate(speaker, now: now)
            if let spoke = speaker.lastSpokeAt { dominantSpokeAt = max(dominantSpokeAt ?? spoke, spoke) }
        } else {
            incumbentScores = .floor
        }

        // Every contender that beats the incumbent in all three intervals qualifies; among
        // several, the one with the highest medium-interval ratio wins.
        var winner: Int?
        var bestMediumRatio = Parameters.mediumRatioThreshold
        for slot in order where slot != incumbent {
            guard let speaker = slots[slot] else { continue }
            let scores = evaluate(speaker, now: now)
            if let ratio = scores.mediumRatioIfWinning(against: incumbentScores), ratio > bestMediumRatio {
                bestMediumRatio = ratio
                winner = slot
            }
        }

        if let winner {
            let announcedBefore = promotedCount > 0 ? order.first : nil
            let wasInSilence = isInSilence
            incumbent = winner
            promote(winner)
            isInSilence = false
            dominantSpokeAt = now
            guard announcedBefore != winner || wasInSilence else { return nil }
            return currentChange(dominantSpeakerChanged: announcedBefore != winner)
        }

        if let timeout = configuration.silenceTimeoutMilliseconds, !isInSilence,
           let spoke = dominantSpokeAt, now.milliseconds(since: spoke) > timeout {
            isInSilence = true
            incumbent = nil
            return promotedCount > 0 ? currentChange(dominantSpeakerChanged: false) : nil
        }
        return nil
    }

    private func evaluate(_ speaker: SpeakerActivity, now: Instant) -> SpeechActivityScores {
        let scores = speaker.scores()
        if scores.hasLongActivity { speaker.lastSpokeAt = now }
        return scores
    }

    // MARK: Speech order

    /// The dominant speaker (during silence, the last one); nil before anyone was dominant.
    public var dominantSpeaker: String? { promotedCount > 0 ? slots[order[0]]?.endpointID : nil }

    /// The dominant speaker followed by up to 10 previous ones, most recent first.
    public var recentSpeakers: [String] { recentSlots().compactMap { slots[$0]?.endpointID } }

    /// Every registered endpoint: those that were dominant, most recent first, then the others
    /// in the order they registered. What allocation and last-N rank by.
    public var speechOrder: [String] { order.compactMap { slots[$0]?.endpointID } }

    /// `speechOrder` as handles.
    public var speechOrderHandles: [SpeakerHandle] {
        order.compactMap { slot in slots[slot].map { SpeakerHandle(slot: UInt32(slot), generation: $0.generation) } }
    }

    /// What to send an endpoint whose data channel just opened; nil before anyone was dominant.
    public var announcement: DominantSpeakerChange? { currentChange(dominantSpeakerChanged: false) }

    // MARK: Internals

    @inline(__always)
    private func speaker(for handle: SpeakerHandle) -> SpeakerActivity? {
        let slot = Int(handle.slot)
        guard slot < slots.count, let speaker = slots[slot], speaker.generation == handle.generation else { return nil }
        return speaker
    }

    /// Moves `slot` to the front of the speech order.
    private func promote(_ slot: Int) {
        guard let speaker = slots[slot], let position = order.firstIndex(of: slot) else { return }
        if position == 0 && speaker.wasPromoted { return }
        order.remove(at: position)
        order.insert(slot, at: 0)
        if !speaker.wasPromoted {
            speaker.wasPromoted = true
            promotedCount += 1
        }
    }

    private func recentSlots() -> ArraySlice<Int> {
        order.prefix(min(promotedCount, Parameters.recentSpeakersCount + 1))
    }

    private func currentChange(dominantSpeakerChanged: Bool) -> DominantSpeakerChange? {
        let recent = recentSpeakers
        guard let dominant = recent.first else { return nil }
        return DominantSpeakerChange(
            dominantSpeaker: dominant, previousSpeakers: Array(recent.dropFirst()),
            silence: isInSilence, dominantSpeakerChanged: dominantSpeakerChanged)
    }
}

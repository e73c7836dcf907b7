import Bridge
import Primitives

/// A conference's audio levels on a simulated clock: every talker sends one packet every 20 ms
/// whose RFC 6464 level follows its script, through its own `SilentAudioFilter`, into one
/// `DominantSpeakerIdentifier`, which decides whenever it is due (as the engine's timer would).
final class DominantSpeakerSimulation {
    /// What a talker is doing at a moment.
    enum Voice {
        /// Speech: mostly -18…-45 dBov with the odd weak syllable at -50…-60 dBov.
        case talking
        /// Unmuted but not speaking: room noise at -62…-70 dBov.
        case quiet
        /// Muted: every packet says silence (127).
        case muted
        /// Sends nothing.
        case absent
    }

    final class Talker {
        let id: String
        var handle: SpeakerHandle
        var filter = SilentAudioFilter()
        var random: SplitMix
        let script: (Int64) -> Voice

        init(id: String, handle: SpeakerHandle, seed: UInt64, script: @escaping (Int64) -> Voice) {
            self.id = id
            self.handle = handle
            random = SplitMix(seed: seed)
            self.script = script
        }

        func level(atMilliseconds time: Int64) -> UInt8? {
            switch script(time) {
            case .talking: return random.below(100) < 3 ? UInt8(50 + random.below(11)) : UInt8(18 + random.below(28))
            case .quiet: return UInt8(62 + random.below(9))
            case .muted: return SilentAudioFilter.silentLevel
            case .absent: return nil
            }
        }
    }

    let identifier: DominantSpeakerIdentifier
    private(set) var talkers: [Talker] = []
    /// Milliseconds since the start of the simulation.
    private(set) var time: Int64 = 0
    private(set) var changes: [(milliseconds: Int64, change: DominantSpeakerChange)] = []
    private(set) var droppedSilentPackets = 0
    private(set) var decisions = 0

    static let packetIntervalMilliseconds: Int64 = 20

    init(configuration: DominantSpeakerIdentifier.Configuration = .jvbDefault) {
        identifier = DominantSpeakerIdentifier(configuration: configuration)
    }

    var now: Instant { Instant.zero.adding(milliseconds: time) }

    @discardableResult
    func add(_ id: String, seed: UInt64 = 1, script: @escaping (Int64) -> Voice) -> Talker {
        let talker = Talker(id: id, handle: identifier.register(endpointID: id), seed: seed, script: script)
        talkers.append(talker)
        return talker
    }

    /// Removes a talker from the conference; returns what the identifier announced.
    func remove(_ id: String) -> DominantSpeakerChange? {
        guard let index = talkers.firstIndex(where: { $0.id == id }) else { return nil }
        let talker = talkers.remove(at: index)
        let change = identifier.endpointRemoved(talker.handle)
        if let change { changes.append((time, change)) }
        return change
    }

    /// Advances the clock to `end` milliseconds, one packet round at a time.
    func run(until end: Int64) {
        while time < end {
            time += Self.packetIntervalMilliseconds
            for talker in talkers {
                guard let level = talker.level(atMilliseconds: time) else { continue }
                if talker.filter.shouldDrop(level: level) {
                    droppedSilentPackets += 1
                } else {
                    identifier.levelReceived(talker.handle, level: level, now: now)
                }
            }
            if let due = identifier.nextDecisionAt, due <= now {
                decisions += 1
                if let change = identifier.decide(now: now) { changes.append((time, change)) }
            }
        }
    }

    /// The changes that named a (new) dominant speaker, in order.
    var dominantSequence: [String] {
        changes.filter { $0.change.dominantSpeakerChanged && !$0.change.silence }.map { $0.change.dominantSpeaker }
    }

    /// When `id` was first announced dominant (not in silence) at or after `start`.
    func firstDominance(of id: String, from start: Int64) -> Int64? {
        changes.first { $0.milliseconds >= start && $0.change.dominantSpeaker == id && !$0.change.silence }?.milliseconds
    }

    /// A script: talking inside any of the half-open millisecond ranges, `otherwise` elsewhere.
    static func talks(_ ranges: [Range<Int64>], otherwise: Voice = .quiet) -> (Int64) -> Voice {
        { time in ranges.contains { $0.contains(time) } ? .talking : otherwise }
    }
}

/// A small deterministic generator (SplitMix64) so every run hears the same levels.
struct SplitMix {
    private var state: UInt64
    init(seed: UInt64) { state = seed &* 0x9E37_79B9_7F4A_7C15 }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }
}

import Bridge
import Primitives
import Testing

/// Dominant speaker identification on a simulated clock, with talkers that send a packet every
/// 20 ms (`DominantSpeakerSimulation`). Latencies are printed: the algorithm needs a second of
/// history to judge, and decides every 300 ms.
@Suite struct DominantSpeakerIdentifierTests {
    typealias Simulation = DominantSpeakerSimulation

    @Test func aLoneTalkerBecomesDominantWithinAFewDecisions() {
        let simulation = Simulation()
        simulation.add("A", seed: 1, script: Simulation.talks([2_000..<6_000]))
        simulation.add("B", seed: 2, script: Simulation.talks([]))
        simulation.add("C", seed: 3, script: Simulation.talks([]))
        simulation.run(until: 2_000)
        #expect(simulation.changes.isEmpty, "room noise alone elected \(simulation.changes)")
        #expect(simulation.identifier.dominantSpeaker == nil)

        simulation.run(until: 6_000)
        let elected = simulation.firstDominance(of: "A", from: 2_000)
        print("lone talker: dominant \(elected.map { "\($0 - 2_000) ms" } ?? "never") after starting to talk")
        #expect(simulation.dominantSequence == ["A"])
        // One active 100 ms block, then the next 300 ms decision.
        #expect(elected.map { $0 - 2_000 <= 500 } == true)
        #expect(simulation.changes.first?.change == DominantSpeakerChange(
            dominantSpeaker: "A", previousSpeakers: [], silence: false, dominantSpeakerChanged: true))
        #expect(simulation.identifier.speechOrder == ["A", "B", "C"])
    }

    @Test func longAlternatingTurnsSwitchTheDominantSpeaker() {
        let simulation = Simulation()
        // Turns of 6 s with 200 ms between them; everyone else stays unmuted in room noise.
        let turns: [(String, Range<Int64>)] = [
            ("A", 1_000..<7_000), ("B", 7_200..<13_200), ("A", 13_400..<19_400), ("C", 19_600..<25_600),
            ("B", 25_800..<31_800),
        ]
        for (index, id) in ["A", "B", "C"].enumerated() {
            simulation.add(id, seed: UInt64(10 + index), script: Simulation.talks(turns.filter { $0.0 == id }.map(\.1)))
        }
        simulation.run(until: 32_000)

        #expect(simulation.dominantSequence == ["A", "B", "A", "C", "B"])
        var latencies: [Int64] = []
        for (id, range) in turns {
            guard let switched = simulation.firstDominance(of: id, from: range.lowerBound) else {
                Issue.record("\(id) never took over its turn at \(range.lowerBound) ms")
                continue
            }
            latencies.append(switched - range.lowerBound)
            // The new speaker needs more active 100 ms blocks in the last second than the one who
            // just stopped: about half a second, plus up to one decision interval.
            #expect(switched - range.lowerBound <= 1_200, "\(id) took \(switched - range.lowerBound) ms")
        }
        print("alternating turns: switch latencies after the new speaker started (ms): \(latencies)")
        let last = simulation.changes.last?.change
        #expect(last?.dominantSpeaker == "B")
        #expect(last?.previousSpeakers == ["C", "A"])
    }

    @Test(arguments: 1...20 as ClosedRange<UInt64>)
    func aCoughOrShortInterjectionDoesNotTakeOver(seed: UInt64) {
        let simulation = Simulation()
        // A talks for 11 s in phrases with 300 ms breaths; B coughs (200 ms) and C says
        // "yes, right" (400 ms), each overlapping one of A's breaths, where A is weakest.
        simulation.add("A", seed: seed, script: Simulation.talks([1_000..<4_000, 4_300..<8_000, 8_300..<12_000]))
        simulation.add("B", seed: seed &+ 100, script: Simulation.talks([4_150..<4_350]))
        simulation.add("C", seed: seed &+ 200, script: Simulation.talks([8_100..<8_500]))
        simulation.run(until: 12_000)
        #expect(simulation.dominantSequence == ["A"], "seed \(seed): \(simulation.changes.map(\.change))")
    }

    @Test func aLongerInterjectionDuringAPauseDoesTakeOver() {
        // The counterpart of the cough test: 1.5 s of speech while A pauses is a turn.
        let simulation = Simulation()
        simulation.add("A", seed: 5, script: Simulation.talks([1_000..<5_000, 6_500..<9_000]))
        simulation.add("B", seed: 6, script: Simulation.talks([5_000..<6_500]))
        simulation.run(until: 9_000)
        #expect(simulation.dominantSequence.prefix(2) == ["A", "B"])
        print("interjection of 1.5 s in a pause: B dominant after \((simulation.firstDominance(of: "B", from: 5_000) ?? -1) - 5_000) ms")
    }

    @Test func steadyLoudNoiseIsThatSpeakersSilence() {
        // B sits next to a fan: -35…-43 dBov all the time, louder than A's weak syllables. The
        // noise floor is tracked per speaker, so B's fan counts as B's silence and never wins,
        // not even while A pauses between phrases.
        let simulation = Simulation()
        simulation.add("A", seed: 71, script: Simulation.talks([1_000..<4_000, 4_500..<8_000]))
        let fan = simulation.add("B", seed: 72, script: { _ in .absent })
        var random = SplitMix(seed: 73)
        for step in 1...400 {
            let now = Instant.zero.adding(milliseconds: Int64(step) * 20)
            simulation.identifier.levelReceived(fan.handle, level: UInt8(35 + random.below(9)), now: now)
            simulation.run(until: Int64(step) * 20)
        }
        #expect(simulation.dominantSequence == ["A"])
    }

    @Test func silenceIsAnnouncedAfterTheTimeoutAndEndsWhenSomeoneSpeaks() throws {
        let simulation = Simulation(configuration: .silenceDetection)
        #expect(simulation.identifier.isInSilence)
        simulation.add("A", seed: 21, script: Simulation.talks([1_000..<4_000, 12_000..<14_000]))
        simulation.add("B", seed: 22, script: Simulation.talks([]))
        simulation.run(until: 12_000)

        let silence = try #require(simulation.changes.first { $0.change.silence })
        let afterStop = silence.milliseconds - 4_000
        print("silence announced \(afterStop) ms after the last word (1 s long window + 3 s timeout + decision)")
        // The long interval still shows speech for up to 1 s after the last word, then 3 s.
        #expect((3_900...4_400).contains(afterStop))
        #expect(silence.change == DominantSpeakerChange(
            dominantSpeaker: "A", previousSpeakers: [], silence: true, dominantSpeakerChanged: false))
        #expect(simulation.identifier.isInSilence)
        #expect(simulation.identifier.dominantSpeaker == "A")  // still first in speech order

        simulation.run(until: 14_000)
        let resumed = try #require(simulation.changes.last)
        #expect(resumed.milliseconds > 12_000 && resumed.milliseconds - 12_000 <= 500)
        #expect(resumed.change == DominantSpeakerChange(
            dominantSpeaker: "A", previousSpeakers: [], silence: false, dominantSpeakerChanged: false))
        #expect(simulation.changes.count == 3)
    }

    @Test func withJVBDefaultsTheDominantSpeakerStaysThroughSilence() {
        let simulation = Simulation()
        #expect(!simulation.identifier.isInSilence)
        simulation.add("A", seed: 31, script: Simulation.talks([1_000..<3_000]))
        simulation.add("B", seed: 32, script: Simulation.talks([], otherwise: .muted))
        simulation.run(until: 20_000)
        #expect(simulation.changes.count == 1)
        #expect(simulation.identifier.dominantSpeaker == "A")
        #expect(!simulation.identifier.isInSilence)
    }

    @Test func everyoneMutedIsSilenceAndDecisionsPauseWhileNoLevelsArrive() throws {
        let simulation = Simulation(configuration: .silenceDetection)
        simulation.add("A", seed: 41, script: Simulation.talks([1_000..<3_000], otherwise: .muted))
        simulation.add("B", seed: 42, script: Simulation.talks([], otherwise: .muted))
        simulation.run(until: 3_000)
        #expect(simulation.dominantSequence == ["A"])

        simulation.run(until: 30_000)
        // Each muted stream forwarded 4 silent packets per run and dropped the rest.
        #expect(simulation.droppedSilentPackets > 2 * 1_000)
        let silence = try #require(simulation.changes.first { $0.change.silence })
        print("everyone muted: silence announced \(silence.milliseconds - 3_000) ms after the last word")
        // Muted streams stop sending after 4 silent packets, so A's history fades by one silent
        // level per 40 ms idle period instead of one per 20 ms packet: ~1.8 s until no active
        // block is left, then the 3 s timeout and up to one decision interval.
        #expect((4_600...5_100).contains(silence.milliseconds - 3_000))
        // A muted conference sends no levels at all; 15 s later decisions stop being scheduled.
        #expect(simulation.identifier.nextDecisionAt == nil)

        // B unmutes and talks: the first level schedules a decision at once.
        let talker = try #require(simulation.talkers.first { $0.id == "B" })
        simulation.identifier.levelReceived(talker.handle, level: 30, now: simulation.now.adding(milliseconds: 1))
        #expect(simulation.identifier.nextDecisionAt == simulation.now.adding(milliseconds: 1))
    }

    @Test func removingTheDominantSpeakerAnnouncesThePreviousOneAndFreesTheStage() throws {
        let simulation = Simulation()
        simulation.add("A", seed: 51, script: Simulation.talks([1_000..<4_000]))
        simulation.add("B", seed: 52, script: Simulation.talks([4_200..<7_000]))
        simulation.add("C", seed: 53, script: Simulation.talks([8_000..<10_000]))
        simulation.run(until: 7_000)
        #expect(simulation.dominantSequence == ["A", "B"])
        let staleHandle = try #require(simulation.identifier.handle(for: "B"))

        let change = try #require(simulation.remove("B"))
        #expect(change == DominantSpeakerChange(
            dominantSpeaker: "A", previousSpeakers: [], silence: false, dominantSpeakerChanged: true))
        #expect(simulation.identifier.speechOrder == ["A", "C"])
        #expect(simulation.identifier.endpointRemoved(staleHandle) == nil)

        // Nobody holds the floor now: C only has to beat silence, not A's past second.
        simulation.run(until: 10_000)
        let elected = try #require(simulation.firstDominance(of: "C", from: 8_000))
        print("after the dominant speaker left: C dominant \(elected - 8_000) ms after starting to talk")
        #expect(elected - 8_000 <= 500)
        #expect(simulation.changes.last?.change.previousSpeakers == ["A"])

        // A handle of a removed endpoint is ignored, even once its slot is reused.
        let reused = simulation.identifier.register(endpointID: "D")
        #expect(reused != staleHandle)
        for step in 0..<100 {
            simulation.identifier.levelReceived(staleHandle, level: 20, now: simulation.now.adding(milliseconds: Int64(step * 20)))
        }
        #expect(simulation.identifier.speechOrder == ["C", "A", "D"])
        #expect(simulation.identifier.handle(for: "B") == nil)
    }

    @Test func previousSpeakersAreMostRecentFirstAndAtMostTen() throws {
        let simulation = Simulation()
        let ids = (0..<12).map { "S\($0)" }
        // Each talks 2 s in turn, then S3 speaks again; S12 never speaks.
        for (index, id) in ids.enumerated() {
            var turns: [Range<Int64>] = [Int64(1_000 + index * 2_200)..<Int64(3_000 + index * 2_200)]
            if id == "S3" { turns.append(28_000..<30_000) }
            simulation.add(id, seed: UInt64(60 + index), script: Simulation.talks(turns))
        }
        simulation.add("S12", seed: 99, script: Simulation.talks([]))
        simulation.run(until: 30_000)

        #expect(simulation.dominantSequence == ids + ["S3"])
        let last = try #require(simulation.changes.last?.change)
        #expect(last.dominantSpeaker == "S3")
        #expect(last.previousSpeakers == ["S11", "S10", "S9", "S8", "S7", "S6", "S5", "S4", "S2", "S1"])
        #expect(simulation.identifier.recentSpeakers == ["S3"] + last.previousSpeakers)
        // The speech order keeps everyone: earlier speakers beyond the ten, then the silent one.
        #expect(simulation.identifier.speechOrder == ["S3", "S11", "S10", "S9", "S8", "S7", "S6", "S5", "S4", "S2", "S1", "S0", "S12"])
        #expect(simulation.identifier.announcement == DominantSpeakerChange(
            dominantSpeaker: "S3", previousSpeakers: last.previousSpeakers, silence: false, dominantSpeakerChanged: false))
    }

    @Test func decisionsRunEvery300MillisecondsOnceLevelsArrive() {
        let identifier = DominantSpeakerIdentifier()
        let a = identifier.register(endpointID: "A")
        #expect(identifier.nextDecisionAt == nil)
        let start = Instant.zero.adding(milliseconds: 1_000)
        identifier.levelReceived(a, level: 60, now: start)
        #expect(identifier.nextDecisionAt == start)
        #expect(identifier.decide(now: start) == nil)
        #expect(identifier.nextDecisionAt == start.adding(milliseconds: 300))
        #expect(identifier.decide(now: start.adding(milliseconds: 299)) == nil)
        #expect(identifier.nextDecisionAt == start.adding(milliseconds: 300))
        #expect(identifier.register(endpointID: "A") == a)
    }
}

@Suite struct DominantSpeakerSilentAudioFilterTests {
    @Test func fourSilentPacketsAreForwardedThenTheRunIsDropped() {
        var filter = SilentAudioFilter()
        let verdicts = (0..<7).map { _ in filter.shouldDrop(level: 127) }
        #expect(verdicts == [false, false, false, false, true, true, true])
        #expect(filter.forwardedSilentPackets == 4)
        // Any sound starts over, even the quietest level that is not silence.
        let quietest = filter.shouldDrop(level: 126)
        #expect(!quietest)
        #expect(filter.forwardedSilentPackets == 0)
        let secondRun = (0..<5).map { _ in filter.shouldDrop(level: 127) }
        #expect(secondRun == [false, false, false, false, true])
    }

    @Test func limitAndSwitchAreHonoured() {
        var off = SilentAudioFilter(isEnabled: false)
        let unfiltered = (0..<100).map { _ in off.shouldDrop(level: 127) }
        #expect(!unfiltered.contains(true))
        var strict = SilentAudioFilter(forwardedSilentPacketsLimit: 0)
        let strictVerdicts = [strict.shouldDrop(level: 127), strict.shouldDrop(level: 127)]
        #expect(strictVerdicts == [false, true])
    }
}

import Testing

@testable import RTP

/// Replays Fuzz/Corpus/FuzzRTCP (and any reproducers in Fuzz/Crashes/FuzzRTCP).
@Suite struct FuzzRTCPCorpusTests {
    /// Every packet of every seed decodes to its typed view (none falls through to `.other`).
    @Test func seedsAreValidCompounds() throws {
        let seeds = fuzzSeeds("FuzzRTCP")
        try #require(seeds.count >= 3)
        for (name, bytes) in seeds {
            try bytes.withUnsafeBytes { datagram in
                var packets = RTCPCompoundIterator(datagram)
                var count = 0
                while let packet = try packets.next() {
                    count += 1
                    if case .other(let header, _) = packet { Issue.record("\(name): untyped packet \(header.packetType)") }
                    if case .transportCC(let feedback) = packet { #expect(Array(feedback).count == feedback.packetStatusCount) }
                    if case .nack(let nack) = packet { #expect(Array(nack).count >= nack.pairCount) }
                }
                #expect(count >= 2, "\(name)")
            }
        }
    }

    /// Every committed input (seeds, inputs kept from fuzzing, reproducers) iterates to its end
    /// or to an `RTCPParseError`, and each packet it yields satisfies FuzzRTCP's checks. The
    /// seeds iterate to their end.
    @Test func committedInputsKeepTheFuzzTargetsInvariants() throws {
        let inputs = fuzzInputs("Corpus", "FuzzRTCP") + fuzzInputs("Crashes", "FuzzRTCP")
        try #require(inputs.count >= 3)
        let seeds = Set(fuzzSeeds("FuzzRTCP").map(\.name))
        for (name, bytes) in inputs {
            let outcome = FuzzRTCPReplay.replay(bytes, name: name)
            if seeds.contains(name) { #expect(outcome.error == nil && outcome.packets >= 2, "\(name): \(outcome)") }
        }
    }
}

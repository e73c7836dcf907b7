import Testing

@testable import RTP

/// Replays Fuzz/Corpus/FuzzRTCP (and any reproducers in Fuzz/Crashes/FuzzRTCP).
@Suite struct FuzzRTCPCorpusTests {
    /// Every packet of every seed decodes to its typed view (none falls through to `.other`).
    @Test func seedsAreValidCompounds() throws {
        let seeds = fuzzInputs("Corpus", "FuzzRTCP")
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

    @Test func reproducersNoLongerTrap() {
        for (_, bytes) in fuzzInputs("Crashes", "FuzzRTCP") {
            bytes.withUnsafeBytes { datagram in
                var packets = RTCPCompoundIterator(datagram)
                while let packet = try? packets.next() {
                    if case .transportCC(let feedback) = packet { _ = Array(feedback) }
                    if case .nack(let nack) = packet { _ = Array(nack) }
                    if case .sourceDescription(let description) = packet { _ = Array(description) }
                }
            }
        }
    }
}

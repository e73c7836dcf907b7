import RTP
import Testing

/// Replays Fuzz/Corpus/FuzzH264 (and any reproducers in Fuzz/Crashes/FuzzH264). Each input is an
/// H.264 RTP payload (see Fuzz/Sources/FuzzH264/FuzzH264.swift).
@Suite struct FuzzH264CorpusTests {
    /// Seeds (Fuzz/Corpus/make-h264-seeds.py): packetization type and key-frame start.
    static let seeds: [String: (type: UInt8, keyframe: Bool)] = [
        "stap-a-sps-pps-idr.bin": (24, true),
        "fu-a-idr-start.bin": (28, true),
        "fu-a-idr-end.bin": (28, false),
        "single-slice.bin": (1, false),
        "single-sps.bin": (7, true),
    ]

    @Test func seedsGiveTheirExpectedResults() {
        let inputs = fuzzSeeds("FuzzH264")
        #expect(Set(inputs.map(\.name)) == Set(Self.seeds.keys))
        for (name, bytes) in inputs {
            guard let expected = Self.seeds[name] else { continue }
            let summary = FuzzH264Replay.replay(bytes, name: name)
            #expect(summary?.packetizationType == expected.type && summary?.isKeyframeStart == expected.keyframe, "\(name)")
        }
    }

    /// Every committed input (seeds, inputs kept from fuzzing, reproducers) keeps FuzzH264's checks.
    @Test func committedInputsKeepTheFuzzTargetsInvariants() throws {
        let inputs = fuzzInputs("Corpus", "FuzzH264") + fuzzInputs("Crashes", "FuzzH264")
        try #require(inputs.count >= Self.seeds.count)
        for (name, bytes) in inputs { _ = FuzzH264Replay.replay(bytes, name: name) }
    }
}

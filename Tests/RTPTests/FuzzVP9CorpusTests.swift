import Testing

@testable import RTP

/// Replays Fuzz/Corpus/FuzzVP9 (and any reproducers in Fuzz/Crashes/FuzzVP9). Each input is an RTP
/// payload that starts with a VP9 payload descriptor (see Fuzz/Sources/FuzzVP9/FuzzVP9.swift).
@Suite struct FuzzVP9CorpusTests {
    /// Seeds (Fuzz/Corpus/make-vp9-seeds.py) and what they hold: PictureID, TL0PICIDX, P_DIFF
    /// count, spatial layers in the SS (nil without one), key-frame start.
    static let seeds: [String: (pictureID: UInt16?, tl0PicIdx: UInt8?, references: Int, spatialLayers: Int?, keyframe: Bool)] = [
        "keyframe-ss-l3t3.bin": (0x1234, 5, 0, 3, true),
        "non-flexible-tl0.bin": (0x21, 200, 0, nil, false),
        "flexible-three-refs.bin": (0x7FFF, nil, 3, nil, false),
        "flexible-keyframe-ss-no-resolutions.bin": (77, nil, 0, 2, true),
        "no-pictureid.bin": (nil, nil, 0, nil, false),
    ]

    @Test func seedsGiveTheirExpectedResults() throws {
        let inputs = fuzzSeeds("FuzzVP9")
        #expect(Set(inputs.map(\.name)) == Set(Self.seeds.keys))
        for (name, bytes) in inputs {
            guard let expected = Self.seeds[name] else { continue }
            guard case .success(let view) = FuzzVP9Replay.replay(bytes, name: name) else {
                Issue.record("\(name) does not parse")
                continue
            }
            #expect(view.pictureID == expected.pictureID && view.tl0PicIdx == expected.tl0PicIdx, "\(name)")
            #expect(view.referenceCount == expected.references, "\(name)")
            #expect(view.scalabilityStructure?.spatialLayerCount == expected.spatialLayers, "\(name)")
            #expect(view.isKeyframeStart == expected.keyframe, "\(name)")
        }
    }

    /// Every committed input (seeds, inputs kept from fuzzing, reproducers) keeps FuzzVP9's checks.
    @Test func committedInputsKeepTheFuzzTargetsInvariants() throws {
        let inputs = fuzzInputs("Corpus", "FuzzVP9") + fuzzInputs("Crashes", "FuzzVP9")
        try #require(inputs.count >= Self.seeds.count)
        for (name, bytes) in inputs {
            _ = FuzzVP9Replay.replay(bytes, name: name)
        }
    }
}

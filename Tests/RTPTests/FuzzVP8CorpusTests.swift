import Testing

@testable import RTP

/// Replays Fuzz/Corpus/FuzzVP8 (and any reproducers in Fuzz/Crashes/FuzzVP8). Byte 0 picks the
/// mode: below 0x80 a payload descriptor follows, else a continuity script (see Fuzz/README.md).
@Suite struct FuzzVP8CorpusTests {
    /// Descriptor seeds (Fuzz/Corpus/make-vp8-seeds.py) and what they hold: PictureID, TL0PICIDX,
    /// key-frame start.
    static let descriptorSeeds: [String: (pictureID: UInt16?, tl0PicIdx: UInt8?, keyframe: Bool)] = [
        "keyframe-7bit.bin": (17, nil, true),
        "interframe-no-extension.bin": (nil, nil, false),
        "continuation-partition.bin": (17, nil, false),
        "long-pictureid.bin": (4711, nil, false),
        "temporal-layers.bin": (0x7FFF, 255, false),
    ]

    typealias Sent = Result<VP8OutgoingIDs, VP8ContinuityError>
    static func sent(_ pictureID: UInt16, _ tl0PicIdx: UInt8? = nil) -> Sent {
        .success(VP8OutgoingIDs(pictureID: pictureID, tl0PicIdx: tl0PicIdx))
    }

    /// What each continuity seed must produce, worked out by hand from its script.
    static let continuitySeeds: [String: [Sent]] = [
        "continuity-15bit.bin": [
            sent(0x7FFE, 254), sent(0x7FFE, 254), sent(0x7FFF, 254), sent(0, 255),
            sent(1, 0), sent(2, 0), sent(1, 0), sent(3, 1),
        ],
        "continuity-7bit.bin": [sent(126), sent(127), sent(128), .failure(.needsKeyframe), sent(129), .failure(.pictureIDAbsent)],
    ]

    @Test func seedsGiveTheirExpectedResults() throws {
        let seeds = fuzzSeeds("FuzzVP8")
        #expect(Set(seeds.map(\.name)) == Set(Self.descriptorSeeds.keys).union(Self.continuitySeeds.keys))
        for (name, bytes) in seeds {
            if let expected = Self.descriptorSeeds[name] {
                let outcome = FuzzVP8Replay.replayDescriptor(bytes, name: name)
                guard case .parsed(let view, _) = outcome else {
                    Issue.record("\(name): \(String(describing: outcome))")
                    continue
                }
                #expect(view.pictureID == expected.pictureID && view.tl0PicIdx == expected.tl0PicIdx, "\(name)")
                #expect(view.isKeyframeStart == expected.keyframe, "\(name)")
            } else {
                #expect(FuzzVP8Replay.replayContinuity(bytes, name: name) == Self.continuitySeeds[name], "\(name)")
            }
        }
    }

    /// Every committed input (seeds, inputs kept from fuzzing, reproducers) keeps FuzzVP8's checks.
    @Test func committedInputsKeepTheFuzzTargetsInvariants() throws {
        let inputs = fuzzInputs("Corpus", "FuzzVP8") + fuzzInputs("Crashes", "FuzzVP8")
        try #require(inputs.count >= Self.descriptorSeeds.count + Self.continuitySeeds.count)
        for (name, bytes) in inputs where !bytes.isEmpty {
            if FuzzVP8Replay.replayDescriptor(bytes, name: name) == nil {
                #expect(FuzzVP8Replay.replayContinuity(bytes, name: name) != nil, "\(name)")
            }
        }
    }
}

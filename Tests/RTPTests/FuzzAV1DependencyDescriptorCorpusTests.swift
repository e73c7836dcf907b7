import Testing

@testable import RTP

/// Replays Fuzz/Corpus/FuzzAV1DependencyDescriptor (and any reproducers in
/// Fuzz/Crashes/FuzzAV1DependencyDescriptor): records of a length byte and extension data, read in
/// order by one AV1DependencyDescriptorReader.
@Suite struct FuzzAV1DependencyDescriptorCorpusTests {
    /// What one record must give: a frame (number, template id, layer, active targets, whether the
    /// structure changed), or an error.
    enum Expected: Equatable {
        case frame(UInt16, id: UInt8, s: UInt8, t: UInt8, active: UInt32, changed: Bool = false)
        case refused(AV1DependencyDescriptorError)
    }

    /// Each seed's records (Fuzz/Corpus/make-av1-dd-seeds.py), worked out by hand.
    static let seeds: [String: [Expected]] = [
        // L1T3 at template_id_offset 62: ids 62, 63, 0, 1, 2 are templates 0–4.
        "l1t3-key-then-frames.bin": [
            .frame(0x1234, id: 62, s: 0, t: 0, active: 0b111, changed: true),
            .frame(0x1234, id: 62, s: 0, t: 0, active: 0b111),
            .frame(0x1235, id: 1, s: 0, t: 2, active: 0b111),
            .frame(0x1236, id: 0, s: 0, t: 1, active: 0b111),
            .frame(0x1237, id: 2, s: 0, t: 2, active: 0b111),
            .frame(0x1239, id: 63, s: 0, t: 0, active: 0b011),
            .frame(0x123A, id: 1, s: 0, t: 2, active: 0b011),
        ],
        "l3t3-svc.bin": [
            .frame(100, id: 0, s: 0, t: 0, active: 0x1FF, changed: true),
            .frame(101, id: 5, s: 1, t: 0, active: 0x1FF),
            .frame(102, id: 10, s: 2, t: 0, active: 0x1FF),
            .frame(103, id: 3, s: 0, t: 2, active: 0x1F8),
            .frame(104, id: 8, s: 1, t: 2, active: 0x1F8),
        ],
        // S3T3 at offset 63: template index i has id (63 + i) mod 64.
        "s3t3-simulcast.bin": [
            .frame(7, id: 0, s: 0, t: 0, active: 0x1FF, changed: true),
            .frame(8, id: 5, s: 1, t: 0, active: 0x1FF),
            .frame(9, id: 10, s: 2, t: 0, active: 0x1FF),
            .frame(10, id: 11, s: 2, t: 1, active: 0x03F),
            .frame(11, id: 63, s: 0, t: 0, active: 0x03F),
        ],
        "no-structure-first.bin": [
            .refused(.noStructure),
            .refused(.truncated),
            .frame(1, id: 0, s: 0, t: 0, active: 0b111, changed: true),
            .frame(2, id: 2, s: 0, t: 1, active: 0b111),
        ],
        // L1T3 at offset 0, then S3T3's templates at offset 20.
        "structure-switch.bin": [
            .frame(50, id: 0, s: 0, t: 0, active: 0b111, changed: true),
            .frame(51, id: 3, s: 0, t: 2, active: 0b111),
            .frame(60, id: 21, s: 0, t: 0, active: 0x1FF, changed: true),
            .refused(.unknownTemplate),
            .frame(61, id: 22, s: 0, t: 1, active: 0x1FF),
        ],
    ]

    static func summary(_ outcome: FuzzAV1DependencyDescriptorReplay.Outcome) -> Expected {
        switch outcome {
        case .failure(let error): .refused(error)
        case .success(let frame):
            .frame(
                frame.frameNumber, id: frame.templateID, s: frame.spatialID, t: frame.temporalID,
                active: frame.activeDecodeTargets, changed: frame.structureChanged)
        }
    }

    @Test func seedsGiveTheirExpectedResults() throws {
        let seeds = fuzzSeeds("FuzzAV1DependencyDescriptor")
        #expect(Set(seeds.map(\.name)) == Set(Self.seeds.keys))
        for (name, bytes) in seeds {
            let outcomes = FuzzAV1DependencyDescriptorReplay.replay(bytes, name: name).map(Self.summary)
            #expect(outcomes == Self.seeds[name], "\(name)")
        }
    }

    /// The custom fields of the L1T3 seed's sixth record, as A.8.2 lays them out.
    @Test func l1t3SeedCarriesItsCustomFields() throws {
        let seed = try #require(fuzzSeeds("FuzzAV1DependencyDescriptor").first { $0.name == "l1t3-key-then-frames.bin" })
        let outcomes = FuzzAV1DependencyDescriptorReplay.replay(seed.bytes, name: seed.name)
        let custom = try #require(try? outcomes[5].get())
        #expect(custom.decodeTargetIndications.description == "SS-")
        #expect(custom.frameDiffs.values == [5, 300] && custom.chainDiffs.values == [5])
    }

    /// Every committed input (seeds, inputs kept from fuzzing, reproducers) keeps the target's checks.
    @Test func committedInputsKeepTheFuzzTargetsInvariants() throws {
        let inputs = fuzzInputs("Corpus", "FuzzAV1DependencyDescriptor") + fuzzInputs("Crashes", "FuzzAV1DependencyDescriptor")
        try #require(inputs.count >= Self.seeds.count)
        for (name, bytes) in inputs {
            _ = FuzzAV1DependencyDescriptorReplay.replay(bytes, name: name)
        }
    }
}

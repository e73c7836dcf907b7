import Foundation
import Testing

@testable import RTP

/// The files of Fuzz/<kind>/<target> (`kind` is `Corpus` or `Crashes`), sorted by name.
/// One copy per test module: test targets cannot share code without a support target.
func fuzzInputs(_ kind: String, _ target: String) -> [(name: String, bytes: [UInt8])] {
    let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../Fuzz/\(kind)/\(target)")
    let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
    return names.sorted().compactMap { name in
        (try? Data(contentsOf: directory.appendingPathComponent(name))).map { (name, Array($0)) }
    }
}

/// Hand-written seeds have a file extension (Fuzz/Corpus/make-seeds.py writes them); inputs kept
/// from fuzzing are named by their SHA-1, as libFuzzer writes them, and need not be valid.
func fuzzSeeds(_ target: String) -> [(name: String, bytes: [UInt8])] {
    fuzzInputs("Corpus", target).filter { $0.name.contains(".") }
}

/// Replays Fuzz/Corpus/FuzzRTP (and any reproducers in Fuzz/Crashes/FuzzRTP). Each input is
/// a selector byte followed by the packet (see Fuzz/README.md).
@Suite struct FuzzRTPCorpusTests {
    /// The extension ids each seed carries, in wire order (from make-seeds.py).
    static let seedExtensionIDs: [String: [UInt8]] = [
        "one-byte-extensions.bin": [10, 1, 5],
        "two-byte-extensions.bin": [10, 20],
        "csrcs-padding.bin": [10, 1, 5],
        "no-extension.bin": [],
    ]

    @Test func seedsParseAndStripToAValidPacket() throws {
        let seeds = fuzzSeeds("FuzzRTP")
        #expect(Set(seeds.map(\.name)) == Set(Self.seedExtensionIDs.keys))
        for (name, bytes) in seeds {
            var packet = Array(bytes.dropFirst())
            var view = try packet.withUnsafeBytes { try RTPHeaderView(parsing: $0) }
            let ids = packet.withUnsafeBytes { Array(view.extensionElements(in: $0)).map(\.id) }
            #expect(ids == Self.seedExtensionIDs[name], "\(name)")
            #expect(view.hasExtension == !ids.isEmpty, "\(name)")
            let length = try packet.withUnsafeMutableBytes { try view.retainExtensions(RTPExtensionIDSet(), in: $0) }
            let stripped = try Array(packet[0..<length]).withUnsafeBytes { try RTPHeaderView(parsing: $0) }
            #expect(!stripped.hasExtension && stripped == view, "\(name)")
        }
    }

    /// Every committed input (seeds, inputs kept from fuzzing, reproducers) either fails to parse
    /// with an `RTPParseError`, or is refused by the strip with an `RTPBuildError`, or strips to a
    /// packet that satisfies FuzzRTP's checks. The hand-written seeds must get through the strip.
    @Test func committedInputsKeepTheFuzzTargetsInvariants() throws {
        let inputs = fuzzInputs("Corpus", "FuzzRTP") + fuzzInputs("Crashes", "FuzzRTP")
        try #require(inputs.count >= Self.seedExtensionIDs.count)
        for (name, bytes) in inputs {
            let outcome = FuzzRTPReplay.replay(bytes, name: name)
            if Self.seedExtensionIDs[name] != nil {
                #expect(outcome.reachedTheStrip, "\(name): a seed stopped at \(outcome)")
            }
        }
    }
}

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

/// Replays Fuzz/Corpus/FuzzRTP (and any reproducers in Fuzz/Crashes/FuzzRTP). Each input is
/// a selector byte followed by the packet (see Fuzz/README.md).
@Suite struct FuzzRTPCorpusTests {
    @Test func seedsParseAndStripToAValidPacket() throws {
        let seeds = fuzzInputs("Corpus", "FuzzRTP")
        try #require(seeds.count >= 3)
        for (name, bytes) in seeds {
            var packet = Array(bytes.dropFirst())
            var view = try packet.withUnsafeBytes { try RTPHeaderView(parsing: $0) }
            let elements = packet.withUnsafeBytes { Array(view.extensionElements(in: $0)) }
            #expect(elements.count == (view.hasExtension ? elements.count : 0), "\(name)")
            let length = try packet.withUnsafeMutableBytes { try view.retainExtensions(RTPExtensionIDSet(), in: $0) }
            let stripped = try Array(packet[0..<length]).withUnsafeBytes { try RTPHeaderView(parsing: $0) }
            #expect(!stripped.hasExtension && stripped == view, "\(name)")
        }
    }

    @Test func reproducersNoLongerTrap() {
        for (_, bytes) in fuzzInputs("Crashes", "FuzzRTP") {
            var packet = Array(bytes.dropFirst())
            guard var view = try? packet.withUnsafeBytes({ try RTPHeaderView(parsing: $0) }) else { continue }
            _ = packet.withUnsafeBytes { Array(view.extensionElements(in: $0)) }
            _ = try? packet.withUnsafeMutableBytes { try view.retainExtensions([1, 10], in: $0) }
        }
    }
}

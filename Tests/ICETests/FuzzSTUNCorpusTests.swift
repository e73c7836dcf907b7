import Foundation
import Primitives
import Testing

@testable import ICE

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

/// Replays Fuzz/Corpus/FuzzSTUN (and any reproducers in Fuzz/Crashes/FuzzSTUN) so that
/// `swift test` catches a regression on an input the fuzzer once reached.
@Suite struct FuzzSTUNCorpusTests {
    @Test func seedsAreWellFramedAndNeverTrap() throws {
        let seeds = fuzzInputs("Corpus", "FuzzSTUN")
        try #require(seeds.count >= 4)
        for (name, bytes) in seeds {
            bytes.withUnsafeBytes { datagram in
                #expect(STUNPeek.messageType(datagram) != nil, "\(name)")
                Self.replay(datagram)
            }
        }
    }

    @Test func theRFC5769SeedAuthenticates() throws {
        let seed = try #require(fuzzInputs("Corpus", "FuzzSTUN").first { $0.name == "rfc5769-request.bin" })
        let agent = ICEAgent(local: ICECredentials(ufrag: "evtj", password: "VOkJxbRl1RmTxUk/WvJxBt"), tieBreaker: 1)
        let transmit = TransmitQueue(capacity: 8)
        try seed.bytes.withUnsafeBytes { try agent.handleSTUN($0, from: Self.peer, now: .zero, transmit: transmit) }
        #expect(agent.isVerified(Self.peer))
    }

    @Test func reproducersNoLongerTrap() {
        for (_, bytes) in fuzzInputs("Crashes", "FuzzSTUN") { bytes.withUnsafeBytes { Self.replay($0) } }
    }

    static let peer = PeerAddress(ipv4: 0xC633_6407, port: 40000)

    /// What the FuzzSTUN target does, without the sanitizers.
    static func replay(_ datagram: UnsafeRawBufferPointer) {
        _ = STUNPeek.localUfrag(of: datagram)
        let agent = ICEAgent(local: ICECredentials(ufrag: "evtj", password: "VOkJxbRl1RmTxUk/WvJxBt"), tieBreaker: 0x5EED)
        agent.setRemoteCredentials(ICECredentials(ufrag: "h6vY", password: "fuzz-remote-password-0123"), now: .zero)
        let transmit = TransmitQueue(capacity: 64)
        agent.handleTimeout(now: .zero, transmit: transmit)
        _ = try? agent.handleSTUN(datagram, from: peer, now: Instant(nanoseconds: 5_000_000), transmit: transmit)
        agent.handleTimeout(now: Instant(nanoseconds: 55_000_000), transmit: transmit)
    }
}

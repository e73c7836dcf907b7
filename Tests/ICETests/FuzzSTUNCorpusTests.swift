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

/// Hand-written seeds have a file extension (Fuzz/Corpus/make-seeds.py writes them); inputs kept
/// from fuzzing are named by their SHA-1, as libFuzzer writes them, and need not be valid.
func fuzzSeeds(_ target: String) -> [(name: String, bytes: [UInt8])] {
    fuzzInputs("Corpus", target).filter { $0.name.contains(".") }
}

/// Replays Fuzz/Corpus/FuzzSTUN (and any reproducers in Fuzz/Crashes/FuzzSTUN) so that
/// `swift test` catches a regression on an input the fuzzer once reached.
@Suite struct FuzzSTUNCorpusTests {
    @Test func seedsAreWellFramed() throws {
        let seeds = fuzzSeeds("FuzzSTUN")
        try #require(seeds.count >= 4)
        for (name, bytes) in seeds {
            bytes.withUnsafeBytes { datagram in
                #expect(STUNPeek.messageType(datagram) != nil, "\(name)")
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

    /// Every committed input (seeds, inputs kept from fuzzing, reproducers) goes through what
    /// FuzzSTUN does with it: the demux peek's ufrag range lies inside a Binding Request, and
    /// the agent either throws an `ICEError` or, for a Binding Request, answers it and verifies
    /// the source. The RFC 5769 seed must be accepted.
    @Test func committedInputsKeepTheFuzzTargetsInvariants() throws {
        let inputs = fuzzInputs("Corpus", "FuzzSTUN") + fuzzInputs("Crashes", "FuzzSTUN")
        try #require(inputs.count >= 4)
        for (name, bytes) in inputs {
            let verdict = bytes.withUnsafeBytes { Self.replay($0, name: name) }
            if name == "rfc5769-request.bin" { #expect(verdict == nil, "\(name): \(String(describing: verdict))") }
        }
    }

    /// The discovery half of the target: every committed input, stamped with a probe's
    /// transaction, is a typed refusal or an answer; the success-response seed gives a mapping.
    @Test func committedInputsAsDiscoveryAnswers() throws {
        let inputs = fuzzInputs("Corpus", "FuzzSTUN") + fuzzInputs("Crashes", "FuzzSTUN")
        try #require(inputs.count >= 4)
        for (name, bytes) in inputs {
            let probe = PublicAddressProbe(servers: [Self.peer], now: .zero)
            let request = try #require(probe.nextTransmission(now: .zero)).datagram
            var answer = bytes
            if answer.count >= 20 { answer.replaceSubrange(4..<20, with: request[4..<20]) }
            let accepted = (try? answer.withUnsafeBytes { try probe.handle($0, from: Self.peer) }) != nil
            #expect(accepted == (probe.replies.first?.reply != nil), "\(name)")
            if name == "binding-success.bin" {
                guard case .mapped? = probe.replies.first?.reply else {
                    Issue.record("\(name): \(String(describing: probe.replies.first?.reply))")
                    continue
                }
            }
        }
    }

    static let peer = PeerAddress(ipv4: 0xC633_6407, port: 40000)

    /// What the FuzzSTUN target does, without the sanitizers, with its checks as expectations.
    /// Returns the agent's error, or nil if it accepted the datagram.
    static func replay(_ datagram: UnsafeRawBufferPointer, name: String) -> ICEError? {
        let isRequest = STUNPeek.isBindingRequest(datagram)
        if let range = STUNPeek.localUfragRange(of: datagram) {
            #expect(isRequest && range.lowerBound >= 20 && range.upperBound <= datagram.count, "\(name): ufrag range \(range)")
            #expect(STUNPeek.localUfrag(of: datagram) != nil, "\(name)")
        }

        // A controlling agent with one check outstanding to `peer`, as in the target.
        let agent = ICEAgent(local: ICECredentials(ufrag: "evtj", password: "VOkJxbRl1RmTxUk/WvJxBt"), tieBreaker: 0x5EED)
        agent.setRemoteCredentials(ICECredentials(ufrag: "h6vY", password: "fuzz-remote-password-0123"), now: .zero)
        agent.addRemoteCandidate(
            ICECandidate(foundation: "1", component: 1, priority: 2_122_260_223, address: peer, type: .host, relatedAddress: nil),
            now: .zero)
        let transmit = TransmitQueue(capacity: 64)
        agent.handleTimeout(now: .zero, transmit: transmit)
        transmit.removeAll()

        let now = Instant(nanoseconds: 5_000_000)
        var verdict: ICEError?
        do {
            try agent.handleSTUN(datagram, from: peer, now: now, transmit: transmit)
        } catch {
            verdict = error
        }
        if verdict == nil && isRequest {
            // An accepted check is answered, and its source is then a verified address.
            #expect(transmit.count >= 1, "\(name): accepted request not answered")
            #expect(agent.isVerified(peer), "\(name): accepted request did not verify its source")
        }
        while agent.pollEvent() != nil {}
        agent.handleTimeout(now: now.adding(milliseconds: 50), transmit: transmit)
        _ = agent.nextDeadline()
        return verdict
    }
}

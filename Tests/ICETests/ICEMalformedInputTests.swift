import Primitives
import Testing

@testable import ICE

/// Garbage, truncations and forgeries: typed errors, no replies, no crash.
@Suite struct ICEMalformedInputTests {
    static let source = PeerAddress(host: "198.51.100.7", port: 40000)!

    static func error(_ agent: ICEAgent, _ bytes: [UInt8], transmit: TransmitQueue) -> ICEError? {
        stunError(agent, bytes, from: source, transmit: transmit)
    }

    /// A connected bridge agent plus the datagrams its peer sent, as mutation seeds.
    static func connected() -> (ICESimulation, [[UInt8]]) {
        let sim = ICESimulation()
        sim.run(forMilliseconds: 20_000)
        var seeds = [RFC5769Tests.request, RFC5769Tests.ipv4Response, RFC5769Tests.ipv6Response]
        seeds += sim.bridgeSent.suffix(4).map(\.2)
        return (sim, seeds)
    }

    @Test func randomDatagramsAreRejected() {
        let (sim, _) = Self.connected()
        let transmit = TransmitQueue(capacity: 8)
        var generator = SplitMix64(seed: 7)
        for round in 0..<4000 {
            var bytes = [UInt8](repeating: 0, count: Int(generator.next(upperBound: UInt64(200))))
            for i in bytes.indices { bytes[i] = UInt8(truncatingIfNeeded: generator.next()) }
            if round % 2 == 0, bytes.count >= 20 {
                // Half of them get a plausible STUN header so they reach libnice.
                let length = (bytes.count - 20) & ~3
                bytes = Array(bytes[0..<(20 + length)])
                // Request, success response, error response.
                (bytes[0], bytes[1]) = [(0x00, 0x01), (0x01, 0x01), (0x01, 0x11)][round / 2 % 3]
                bytes[2] = UInt8(length >> 8); bytes[3] = UInt8(length & 0xFF)
                bytes[4] = 0x21; bytes[5] = 0x12; bytes[6] = 0xa4; bytes[7] = 0x42
            }
            #expect(Self.error(sim.bridge, bytes, transmit: transmit) != nil)
        }
        #expect(transmit.count == 0)
        #expect(sim.bridge.state == .connected)
    }

    @Test func mutatedRealMessagesNeverCrash() {
        let (sim, seeds) = Self.connected()
        let transmit = TransmitQueue(capacity: 8)
        var generator = SplitMix64(seed: 99)
        for round in 0..<3000 {
            var bytes = seeds[round % seeds.count]
            for _ in 0...generator.next(upperBound: UInt64(3)) where !bytes.isEmpty {
                let index = Int(generator.next(upperBound: UInt64(bytes.count)))
                bytes[index] = UInt8(truncatingIfNeeded: generator.next())
            }
            if generator.next(upperBound: UInt64(4)) == 0 {
                bytes = Array(bytes.prefix(Int(generator.next(upperBound: UInt64(bytes.count + 1)))))
            }
            _ = Self.error(sim.bridge, bytes, transmit: transmit)
            transmit.removeAll()
        }
        #expect(sim.bridge.state == .connected)
    }

    @Test func truncatedRequestsAreNotSTUNOrMalformed() {
        let agent = RFC5769Tests.agent()
        let transmit = TransmitQueue(capacity: 8)
        for length in 0..<RFC5769Tests.request.count {
            let error = Self.error(agent, Array(RFC5769Tests.request[0..<length]), transmit: transmit)
            #expect(error == .notSTUN || error == .malformed, "length \(length): \(String(describing: error))")
        }
        // The header length still claims 88 bytes of attributes: cut at an attribute boundary.
        #expect(Self.error(agent, Array(RFC5769Tests.request[0..<48]), transmit: transmit) == .malformed)
        #expect(Self.error(agent, [0x16, 0xfe, 0xfd, 0, 0], transmit: transmit) == .notSTUN)
        #expect(transmit.count == 0)
    }

    @Test func unknownUfragIsUnauthorized() {
        let agent = ICEAgent(local: ICECredentials(ufrag: "evtX", password: RFC5769Tests.password), tieBreaker: 1)
        let transmit = TransmitQueue(capacity: 8)
        #expect(Self.error(agent, RFC5769Tests.request, transmit: transmit) == .unauthorized)
        // Once the remote ufrag is known, the remote half must match too.
        let strict = RFC5769Tests.agent()
        strict.setRemoteCredentials(ICECredentials(ufrag: "other", password: "x"), now: .zero)
        #expect(Self.error(strict, RFC5769Tests.request, transmit: transmit) == .unauthorized)
        let right = RFC5769Tests.agent()
        right.setRemoteCredentials(ICECredentials(ufrag: "h6vY", password: "x"), now: .zero)
        #expect(Self.error(right, RFC5769Tests.request, transmit: transmit) == nil)
        #expect(transmit.count >= 1)
    }

    @Test func requestFromPeerWithWrongPasswordIsUnauthorized() {
        let sim = ICESimulation()
        // A second "peer" with the right ufrags that guesses the bridge's password.
        let forger = ICEAgent(
            local: ICECredentials(ufrag: sim.peer.localCredentials.ufrag, password: "irrelevant"), tieBreaker: 5,
            role: .controlled)
        forger.setRemoteCredentials(
            ICECredentials(ufrag: sim.bridge.localCredentials.ufrag, password: "guessed-password-0000000"), now: .zero)
        forger.addRemoteCandidate(
            ICECandidate(foundation: "1", priority: 1, address: sim.bridgeAddress, type: .host), now: .zero)
        let transmit = TransmitQueue(capacity: 8)
        forger.handleTimeout(now: .zero, transmit: transmit)
        #expect(transmit.count == 1)
        let forged = Array(transmit.datagram(0))
        let replies = TransmitQueue(capacity: 8)
        // USERNAME is right, MESSAGE-INTEGRITY is not: libnice rejects it.
        #expect(Self.error(sim.bridge, forged, transmit: replies) == .unauthorized)
        #expect(replies.count == 0)
        #expect(!sim.bridge.isVerified(Self.source))
    }

    @Test func bindingIndicationIsIgnored() {
        var indication: [UInt8] = [0x00, 0x11, 0x00, 0x00, 0x21, 0x12, 0xa4, 0x42]
        indication += [UInt8](repeating: 1, count: 12)
        let transmit = TransmitQueue(capacity: 4)
        #expect(Self.error(RFC5769Tests.agent(), indication, transmit: transmit) == nil)
        #expect(transmit.count == 0)
    }
}

import Primitives
import Testing

@testable import ICE

@Suite struct ICEAgentTests {
    @Test func connectsThroughPeerReflexiveLearningAndNominates() throws {
        let sim = ICESimulation()
        #expect(sim.bridge.state == .checking)
        sim.run(forMilliseconds: 1_000)
        #expect(sim.bridge.state == .connected)
        #expect(sim.peer.state == .connected)
        #expect(sim.bridgeEvents.map(\.1) == [.connected(sim.peerAddress)])
        #expect(sim.peerEvents.map(\.1) == [.connected(sim.bridgeAddress)])
        #expect(sim.bridge.selectedAddress == sim.peerAddress)
        #expect(sim.peer.selectedAddress == sim.bridgeAddress)
        // Connected within a few round trips of the first paced check.
        let connectedAt = try #require(sim.bridgeEvents.first?.0)
        #expect(connectedAt.milliseconds(since: .zero) <= 150)
        // Regular nomination: the peer saw USE-CANDIDATE on the pair it selected.
        let peerPair = try #require(sim.peer.pairIndex(of: sim.bridgeAddress))
        #expect(sim.peer.pairs[peerPair].peerNominated)
        #expect(sim.bridge.role == .controlling && sim.peer.role == .controlled)
        #expect(sim.errors.isEmpty)
    }

    @Test func verifiesOnlyAddressesThatCompletedACheck() {
        let sim = ICESimulation()
        let stranger = PeerAddress(host: "203.0.113.9", port: 1234)!
        #expect(!sim.bridge.isVerified(sim.peerAddress))
        sim.bridge.addRemoteCandidate(
            ICECandidate(foundation: "9", priority: ICECandidate.priority(type: .host), address: stranger, type: .host),
            now: sim.now)
        sim.run(forMilliseconds: 1_000)
        #expect(sim.bridge.isVerified(sim.peerAddress))
        #expect(sim.peer.isVerified(sim.bridgeAddress))
        #expect(!sim.bridge.isVerified(stranger))
        // The signalled but silent candidate was checked (and is being retransmitted to).
        #expect(sim.bridgeSent.contains { $0.1 == stranger })
    }

    @Test func signalledCandidateConnectsAndIsNotDuplicated() {
        let sim = ICESimulation()
        sim.bridge.addRemoteCandidate(
            ICECandidate(foundation: "1", priority: ICECandidate.priority(type: .host), address: sim.peerAddress, type: .host),
            now: sim.now)
        sim.run(forMilliseconds: 1_000)
        #expect(sim.bridge.state == .connected)
        #expect(sim.bridge.pairs.filter { $0.remote == sim.peerAddress }.count == 1)
        #expect(sim.bridge.pairs.first?.remoteType == .host)
    }

    @Test func consentIsRefreshedEveryFourToSixSeconds() throws {
        let sim = ICESimulation()
        sim.run(forMilliseconds: 1_000)
        let start = sim.bridgeSent.count
        sim.run(forMilliseconds: 120_000)
        #expect(sim.bridge.state == .connected && sim.peer.state == .connected)
        #expect(sim.bridgeEvents.count == 1 && sim.peerEvents.count == 1)
        // Consent requests: requests (type 0x0001) the bridge sent after connecting.
        let requests = sim.bridgeSent[start...].filter { $0.2[1] == 0x01 && $0.2[0] == 0x00 }.map(\.0)
        #expect((20...30).contains(requests.count))
        for (a, b) in zip(requests, requests.dropFirst()) {
            #expect((4_000...6_000).contains(b.milliseconds(since: a)))
        }
        #expect(sim.errors.isEmpty)
    }

    @Test func consentLostAfterThirtySecondsOfSilenceAndRestored() throws {
        let sim = ICESimulation()
        sim.run(forMilliseconds: 1_000)
        let silenceStart = sim.now
        sim.dropToBridge = true
        sim.run(forMilliseconds: 29_000)
        #expect(sim.bridge.state == .connected)
        sim.run(forMilliseconds: 2_000)
        #expect(sim.bridge.state == .disconnected)
        let lost = try #require(sim.bridgeEvents.last)
        #expect(lost.1 == .consentLost)
        // Expired 30 s after the last response, which came in before the silence began.
        #expect((29_000...30_000).contains(lost.0.milliseconds(since: silenceStart)))
        sim.dropToBridge = false
        sim.run(forMilliseconds: 7_000)
        #expect(sim.bridge.state == .connected)
        #expect(sim.bridgeEvents.last?.1 == .connected(sim.peerAddress))
        #expect(sim.bridge.selectedAddress == sim.peerAddress)
    }

    @Test func failsThirtySecondsAfterStartWithoutPeer() {
        let bridge = ICEAgent(local: .random(), tieBreaker: 7)
        let transmit = TransmitQueue(capacity: 64)
        let silent = PeerAddress(host: "192.0.2.50", port: 9)!
        bridge.setRemoteCredentials(.random(), now: .zero)
        bridge.addRemoteCandidate(
            ICECandidate(foundation: "1", priority: ICECandidate.priority(type: .host), address: silent, type: .host),
            now: .zero)
        var now = Instant.zero
        var sent = 0
        var events: [(Instant, ICEEvent)] = []
        while let deadline = bridge.nextDeadline(), deadline.milliseconds(since: .zero) < 60_000 {
            now = max(now, deadline)
            bridge.handleTimeout(now: now, transmit: transmit)
            sent += transmit.count
            transmit.removeAll()
            while let event = bridge.pollEvent() { events.append((now, event)) }
        }
        #expect(bridge.state == .failed)
        #expect(events.count == 1)
        #expect(events.first?.1 == .failed)
        #expect(events.first?.0.milliseconds(since: .zero) == 30_000)
        #expect(sent == 7)  // one check, six retransmits
        #expect(bridge.nextDeadline() == nil)
    }

    @Test func noCandidatesAndNoPeerStillFails() {
        let bridge = ICEAgent(local: .random(), tieBreaker: 7)
        #expect(bridge.nextDeadline() == nil)
        bridge.setRemoteCredentials(.random(), now: .zero)
        #expect(bridge.nextDeadline() == Instant.zero.adding(milliseconds: 30_000))
        bridge.handleTimeout(now: Instant.zero.adding(milliseconds: 30_000), transmit: TransmitQueue(capacity: 4))
        #expect(bridge.pollEvent() == .failed)
        #expect(bridge.state == .failed)
    }

    @Test func roleConflictBetweenTwoControllingAgentsResolves() {
        // The peer claims controlling too, with a bigger tie-breaker: the bridge must yield.
        let sim = ICESimulation(peerRole: .controlling, bridgeTieBreaker: 1, peerTieBreaker: 2)
        sim.run(forMilliseconds: 2_000)
        #expect(sim.bridge.role == .controlled)
        #expect(sim.peer.role == .controlling)
        #expect(sim.bridge.state == .connected && sim.peer.state == .connected)
    }

    @Test func bridgeKeepsControllingWithTheMaximumTieBreaker() {
        let sim = ICESimulation(peerRole: .controlling, bridgeTieBreaker: .max, peerTieBreaker: 2)
        sim.run(forMilliseconds: 2_000)
        // The bridge answered the peer's first check with 487 and the peer switched.
        #expect(sim.errors == [.roleConflict])
        #expect(sim.bridge.role == .controlling)
        #expect(sim.peer.role == .controlled)
        #expect(sim.bridge.state == .connected && sim.peer.state == .connected)
    }

    @Test func natRebindingMovesTheSelectedAddress() throws {
        let sim = ICESimulation()
        sim.run(forMilliseconds: 1_000)
        let old = sim.peerAddress
        let new = PeerAddress(host: "192.168.1.20", port: 50001)!
        sim.peerAddress = new
        sim.run(forMilliseconds: 45_000)
        #expect(sim.bridge.selectedAddress == new)
        #expect(sim.bridge.state == .connected)
        #expect(sim.bridgeEvents.map(\.1) == [.connected(old), .consentLost, .selectedAddressChanged(new)])
        #expect(sim.bridge.isVerified(new))
    }

    @Test func remoteCredentialChangeRestarts() throws {
        let sim = ICESimulation()
        sim.run(forMilliseconds: 1_000)
        sim.bridge.setRemoteCredentials(try #require(sim.bridge.remoteCredentials), now: sim.now)
        #expect(sim.bridge.state == .connected)
        sim.bridge.setRemoteCredentials(.random(), now: sim.now)
        #expect(sim.bridge.state == .checking)
        #expect(sim.bridge.selectedAddress == nil)
        #expect(!sim.bridge.isVerified(sim.peerAddress))
    }
}

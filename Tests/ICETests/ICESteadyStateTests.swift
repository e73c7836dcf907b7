#if canImport(Glibc)
import Glibc
#endif
import Primitives
import Testing

@testable import ICE

/// The steady state of a connected endpoint: consent checks both ways and their responses.
/// `ICE_STEADY_ROUNDS` scales the loop so heap-allocation counts (valgrind) can be compared
/// between two runs; the loop itself must not allocate.
@Suite struct ICESteadyStateTests {
    @Test func consentRoundsKeepBothSidesConnected() throws {
        let sim = ICESimulation()
        sim.run(forMilliseconds: 1_000)
        try #require(sim.bridge.state == .connected && sim.peer.state == .connected)
        let rounds = getenv("ICE_STEADY_ROUNDS").flatMap { Int(String(cString: $0)) } ?? 200
        var now = sim.now
        var failures = 0
        for _ in 0..<rounds {
            now = now.adding(milliseconds: 6_000)
            sim.bridge.handleTimeout(now: now, transmit: sim.bridgeTransmit)
            sim.peer.handleTimeout(now: now, transmit: sim.peerTransmit)
            // Requests both ways, then the responses both ways.
            for _ in 0..<2 {
                failures &+= Self.exchange(sim.bridgeTransmit, to: sim.peer, replies: sim.peerTransmit, source: sim.bridgeAddress, now: now)
                failures &+= Self.exchange(sim.peerTransmit, to: sim.bridge, replies: sim.bridgeTransmit, source: sim.peerAddress, now: now)
            }
        }
        #expect(failures == 0)
        #expect(sim.bridge.state == .connected && sim.peer.state == .connected)
        #expect(sim.bridge.pollEvent() == nil)
    }

    /// Feeds every queued datagram straight from its slot to `agent`; returns how many threw.
    private static func exchange(
        _ queue: TransmitQueue, to agent: ICEAgent, replies: TransmitQueue, source: PeerAddress, now: Instant
    ) -> Int {
        var failures = 0
        for i in 0..<queue.count {
            do throws(ICEError) {
                try agent.handleSTUN(queue.datagram(i), from: source, now: now, transmit: replies)
            } catch { failures += 1 }
        }
        queue.removeAll()
        return failures
    }
}

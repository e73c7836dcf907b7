#if canImport(Glibc)
import Glibc
#endif
import CMallocCounter
import Primitives
import Testing

@testable import ICE

/// The steady state of a connected endpoint: consent checks both ways and their responses.
///
/// Allocations are counted by the test binary's own malloc (Tests/CMallocCounter), per thread,
/// so tests running in parallel on other threads do not disturb the figure. The benchmarks'
/// malloc thresholds (Benchmarks/Thresholds) cover RTP forwarding and SRTP only, not ICE.
/// `ICE_STEADY_ROUNDS` sets the round count.
@Suite struct ICESteadyStateTests {
    /// libnice's STUN library (built on OpenSSL, scripts/install-nice-stun.sh) computes each
    /// MESSAGE-INTEGRITY with a fresh `HMAC_CTX`, which OpenSSL 3 builds from an `EVP_MAC`
    /// context and a fetched digest: 10 mallocs per HMAC (Debian's GnuTLS build of libnice made
    /// 2). A round signs 4 messages (a check and a response each way) and verifies 4, so 8
    /// HMACs; our own code must add nothing to that.
    static let allocationsPerRound: UInt64 = 80

    @Test func theCounterSeesAnAllocationOnThisThread() throws {
        try #require(meetpad_malloc_counting_active(), "built with a sanitizer: malloc is not ours to count")
        let before = meetpad_thread_malloc_count()
        let pointer = malloc(64)
        free(pointer)
        let array = [UInt8](repeating: 1, count: Int(before % 7) + 100)
        #expect(meetpad_thread_malloc_count() - before >= 2, "one malloc and one array: \(array.count)")
    }

    @Test(.enabled(if: meetpad_malloc_counting_active(), "malloc is the sanitizer's under a sanitizer build"))
    func consentRoundsAllocateOnlyInLibniceHMAC() throws {
        let sim = ICESimulation()
        sim.run(forMilliseconds: 1_000)
        try #require(sim.bridge.state == .connected && sim.peer.state == .connected)
        let rounds = getenv("ICE_STEADY_ROUNDS").flatMap { Int(String(cString: $0)) } ?? 200
        var now = sim.now
        var failures = 0
        // One round first, so lazily built state (queues, pair tables) is not charged to the loop.
        Self.consentRound(sim, now: &now, failures: &failures)
        let before = meetpad_thread_malloc_count()
        for _ in 0..<rounds {
            Self.consentRound(sim, now: &now, failures: &failures)
        }
        let allocations = meetpad_thread_malloc_count() - before
        #expect(failures == 0)
        #expect(allocations > 0, "the HMAC contexts went uncounted: the counter is not in the path")
        #expect(
            allocations <= UInt64(rounds) * Self.allocationsPerRound,
            "\(allocations) allocations in \(rounds) consent rounds (\(Double(allocations) / Double(rounds)) per round)")
        #expect(sim.bridge.state == .connected && sim.peer.state == .connected)
        #expect(sim.bridge.pollEvent() == nil)
    }

    /// Six seconds on: both agents send their consent check, then requests and responses cross.
    private static func consentRound(_ sim: ICESimulation, now: inout Instant, failures: inout Int) {
        now = now.adding(milliseconds: 6_000)
        sim.bridge.handleTimeout(now: now, transmit: sim.bridgeTransmit)
        sim.peer.handleTimeout(now: now, transmit: sim.peerTransmit)
        // Requests both ways, then the responses both ways.
        for _ in 0..<2 {
            failures &+= exchange(sim.bridgeTransmit, to: sim.peer, replies: sim.peerTransmit, source: sim.bridgeAddress, now: now)
            failures &+= exchange(sim.peerTransmit, to: sim.bridge, replies: sim.bridgeTransmit, source: sim.peerAddress, now: now)
        }
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

#if canImport(Glibc)
import Glibc
#endif
import Primitives
import Testing

@testable import ICE

/// The steady state of a connected endpoint: consent checks both ways and their responses.
///
/// The loop must not allocate. When a malloc-counting library is preloaded, the test checks
/// that: build one exporting `uint64_t meetpad_thread_malloc_count(void)` (a `__thread` counter
/// bumped by `malloc`, `calloc`, `realloc`, `posix_memalign` and `aligned_alloc` wrappers that
/// forward to `__libc_malloc` and friends) and run
/// `LD_PRELOAD=libcount.so .build/debug/meetpad-bridgePackageTests.xctest --testing-library
/// swift-testing --filter ICESteadyStateTests`. `ICE_STEADY_ROUNDS` sets the round count.
@Suite struct ICESteadyStateTests {
    typealias Counter = @convention(c) () -> UInt64

    /// This thread's allocation count, if a counting malloc is preloaded.
    static let mallocCount: Counter? = dlsym(nil, "meetpad_thread_malloc_count").map {
        unsafeBitCast($0, to: Counter.self)
    }

    @Test func consentRoundsKeepBothSidesConnected() throws {
        let sim = ICESimulation()
        sim.run(forMilliseconds: 1_000)
        try #require(sim.bridge.state == .connected && sim.peer.state == .connected)
        let rounds = getenv("ICE_STEADY_ROUNDS").flatMap { Int(String(cString: $0)) } ?? 200
        var now = sim.now
        var failures = 0
        let before = Self.mallocCount?() ?? 0
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
        let allocations = (Self.mallocCount?() ?? 0) &- before
        #expect(failures == 0)
        // Our code allocates nothing here. libnice computes each MESSAGE-INTEGRITY through
        // GnuTLS, whose `gnutls_hmac_init` mallocs twice per HMAC: 4 messages signed and
        // verified per round make 16, and that is the ceiling.
        #expect(allocations <= UInt64(rounds) * 16, "\(allocations) allocations in \(rounds) consent rounds")
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

@testable import BridgeServer
import Primitives
import Synchronization
import Testing

@Suite struct BridgeOperationsTests {
    func operations(maxGraceful: Int64 = 60, delay: Int64 = 0) -> BridgeOperations {
        var settings = ServerSettings()
        settings.gracefulShutdownMaxDuration = maxGraceful
        settings.shuttingDownDelay = delay
        settings.stressPacketRate = 1_000
        return BridgeOperations(settings: settings)
    }

    @Test func observersHearDrainAndPhaseChangesOnly() {
        let operations = operations()
        let calls = Atomic<Int>(0)
        operations.observe { calls.add(1, ordering: .relaxed) }
        operations.setDrain(true)
        operations.setDrain(true)
        operations.tick(now: Instant(nanoseconds: 1), endpoints: 0, packets: 0)
        #expect(calls.load(ordering: .relaxed) == 1)
        operations.requestShutdown(graceful: true, now: Instant(nanoseconds: 2))
        #expect(calls.load(ordering: .relaxed) == 2)
        #expect(operations.snapshot.gracefulShutdown && !operations.snapshot.shuttingDown)
    }

    @Test func tickFeedsStressAndShutdown() {
        let operations = operations()
        operations.tick(now: Instant(nanoseconds: 1_000_000_000), endpoints: 1, packets: 0)
        operations.tick(now: Instant(nanoseconds: 2_000_000_000), endpoints: 1, packets: 800)
        #expect(operations.snapshot.stress == 0.8)
        operations.requestShutdown(graceful: true, now: Instant(nanoseconds: 2_000_000_000))
        operations.tick(now: Instant(nanoseconds: 4_000_000_000), endpoints: 0, packets: 800)
        #expect(operations.snapshot.phase == .finished && operations.snapshot.shuttingDown)
    }
}

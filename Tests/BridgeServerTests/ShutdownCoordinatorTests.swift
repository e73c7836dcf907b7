@testable import BridgeServer
import Primitives
import Testing

@Suite struct ShutdownCoordinatorTests {
    let start = Instant(nanoseconds: 1_000_000_000)

    func at(_ seconds: Double) -> Instant { start.adding(nanoseconds: UInt64(seconds * 1e9)) }

    @Test func gracefulWaitsForTheLastEndpointThenExitsAtOnce() {
        var coordinator = ShutdownCoordinator(maxGracefulSeconds: 600, shuttingDownDelaySeconds: 60)
        coordinator.request(graceful: true, now: start)
        #expect(coordinator.phase == .gracefulShutdown)
        let changedWhileBusy = coordinator.update(now: at(30), endpoints: 3)
        #expect(!changedWhileBusy)
        #expect(coordinator.phase == .gracefulShutdown)
        // Empty: no one to move away, so no shutting-down delay.
        let changedWhenEmpty = coordinator.update(now: at(31), endpoints: 0)
        #expect(changedWhenEmpty)
        #expect(coordinator.phase == .finished)
    }

    @Test func anEmptyCountRightAfterTheRequestIsNotTrusted() {
        var coordinator = ShutdownCoordinator(maxGracefulSeconds: 600, shuttingDownDelaySeconds: 60)
        coordinator.request(graceful: true, now: start)
        coordinator.update(now: at(0.5), endpoints: 0)
        #expect(coordinator.phase == .gracefulShutdown)
        coordinator.update(now: at(1.6), endpoints: 0)
        #expect(coordinator.phase == .finished)
    }

    @Test func theMaximumDurationEndsTheWaitAndTheDelayLetsJicofoMoveThem() {
        var coordinator = ShutdownCoordinator(maxGracefulSeconds: 100, shuttingDownDelaySeconds: 10)
        coordinator.request(graceful: true, now: start)
        coordinator.update(now: at(100), endpoints: 4)
        #expect(coordinator.phase == .shuttingDown)
        coordinator.update(now: at(109), endpoints: 4)
        #expect(coordinator.phase == .shuttingDown)
        coordinator.update(now: at(110), endpoints: 2)
        #expect(coordinator.phase == .finished)
    }

    @Test func nonGracefulSkipsTheWait() {
        var coordinator = ShutdownCoordinator(maxGracefulSeconds: 100, shuttingDownDelaySeconds: 5)
        coordinator.request(graceful: false, now: start)
        #expect(coordinator.phase == .shuttingDown)
        coordinator.update(now: at(1), endpoints: 1)
        coordinator.update(now: at(6), endpoints: 1)
        #expect(coordinator.phase == .finished)
    }

    @Test func requestsNeverGoBackwards() {
        var coordinator = ShutdownCoordinator(maxGracefulSeconds: 100, shuttingDownDelaySeconds: 5)
        coordinator.request(graceful: false, now: start)
        coordinator.request(graceful: true, now: at(1))
        #expect(coordinator.phase == .shuttingDown)
        coordinator.finishNow()
        coordinator.request(graceful: false, now: at(2))
        #expect(coordinator.phase == .finished)
    }
}

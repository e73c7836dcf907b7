import Testing
@testable import XMPP

@Suite struct ReconnectBackoffTests {
    @Test func doublesToThirtySecondsAndResets() {
        var backoff = ReconnectBackoff()
        let delays = (0..<8).map { _ in backoff.nextDelayMilliseconds() }
        #expect(delays == [1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000])
        backoff.reset()
        #expect(backoff.nextDelayMilliseconds() == 1_000)
    }

    @Test func capIsNeverExceededForOddBounds() {
        var backoff = ReconnectBackoff(initialMilliseconds: 700, maximumMilliseconds: 5_000)
        let delays = (0..<6).map { _ in backoff.nextDelayMilliseconds() }
        #expect(delays == [700, 1_400, 2_800, 5_000, 5_000, 5_000])
        var degenerate = ReconnectBackoff(initialMilliseconds: 0, maximumMilliseconds: -1)
        #expect(degenerate.nextDelayMilliseconds() == 1)
        #expect(degenerate.nextDelayMilliseconds() == 1)
    }
}

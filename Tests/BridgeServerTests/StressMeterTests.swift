@testable import BridgeServer
import Primitives
import Testing

@Suite struct StressMeterTests {
    @Test func stressIsPacketRateOverCapacity() {
        var meter = StressMeter(capacity: 50_000)
        meter.update(packets: 0, now: Instant(nanoseconds: 1_000_000_000))
        #expect(meter.stress == 0)
        meter.update(packets: 25_000, now: Instant(nanoseconds: 2_000_000_000))
        #expect(meter.stress == 0.5)
        // Under a second since the last sample: the value holds.
        meter.update(packets: 99_000, now: Instant(nanoseconds: 2_500_000_000))
        #expect(meter.stress == 0.5)
        meter.update(packets: 99_000, now: Instant(nanoseconds: 4_000_000_000))
        #expect(meter.stress == 74_000.0 / 2.0 / 50_000)
    }

    @Test func aCounterGoingBackwardsReadsAsIdle() {
        var meter = StressMeter(capacity: 10)
        meter.update(packets: 100, now: Instant(nanoseconds: 1_000_000_000))
        meter.update(packets: 5, now: Instant(nanoseconds: 2_000_000_000))
        #expect(meter.stress == 0)
    }
}

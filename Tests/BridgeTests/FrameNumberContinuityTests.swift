@testable import Bridge
import Testing

/// The dependency descriptor's frame_number on one outgoing stream: unchanged within an incoming
/// stream, continued across a change of incoming stream (a reused slot), where a jump back would
/// make the receiver refuse the new stream's key frame as older than its last structure.
@Suite struct FrameNumberContinuityTests {
    @Test func theFirstStreamKeepsItsNumbersGapsIncluded() {
        var numbers = FrameNumberContinuity()
        numbers.begin(incoming: 500)
        #expect([500, 501, 503, 507].map { numbers.forward($0) } == [500, 501, 503, 507])
    }

    @Test func aNewStreamContinuesAfterTheLastNumberSent() {
        var numbers = FrameNumberContinuity()
        numbers.begin(incoming: 40_000)
        _ = [40_000, 40_001, 40_002].map { numbers.forward($0) }
        numbers.begin(incoming: 7)
        #expect([7, 8, 10].map { numbers.forward($0) } == [40_003, 40_004, 40_006])
    }

    @Test func numbersWrapAroundAndLateFramesKeepTheirPlace() {
        var numbers = FrameNumberContinuity()
        numbers.begin(incoming: 65_534)
        #expect([65_534, 65_535, 0, 1].map { numbers.forward($0) } == [65_534, 65_535, 0, 1])
        // A retransmitted older frame maps with the same delta and does not move the newest number.
        #expect(numbers.forward(65_535) == 65_535)
        numbers.begin(incoming: 30_000)
        #expect(numbers.forward(30_000) == 2)
    }
}

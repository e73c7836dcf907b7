@testable import Bridge
import Primitives
import Testing

@Suite struct KeyframeRequestThrottleTests {
    enum Step { case request(Int64), newTarget }

    /// What one throttle answers to each request of `steps` (times in milliseconds), in order.
    func admitted(_ steps: [Step]) -> [Bool] {
        var throttle = KeyframeRequestThrottle()
        var answers: [Bool] = []
        for step in steps {
            switch step {
            case .request(let milliseconds): answers.append(throttle.admit(now: Instant(nanoseconds: UInt64(milliseconds) * 1_000_000)))
            case .newTarget: throttle.startNewTarget()
            }
        }
        return answers
    }

    @Test func retriesForOneTargetAreSpacedAndCapped() {
        let steps: [Step] = [.request(1000), .request(1150), .request(1200), .request(2200), .request(3200), .request(10_999), .request(11_000)]
        // 1150: within 200 ms; 3200 and 10999: the fourth within 10 s; 11000: the first has left the window.
        #expect(admitted(steps) == [true, false, true, true, false, false, true])
    }

    /// A down-switch right after a call's first key frames (the up-switches of the ramp) must not
    /// wait for the window to pass, even when the targets in between needed no request.
    @Test func aNewTargetStartsANewCount() {
        let steps: [Step] = [.request(1000), .request(2000), .request(3000), .newTarget, .newTarget, .request(3050), .request(3100)]
        #expect(admitted(steps) == [true, true, true, true, false])
    }
}

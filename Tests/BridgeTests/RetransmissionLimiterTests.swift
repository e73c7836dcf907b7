@testable import Bridge
import Primitives
import Testing

@Suite struct RetransmissionLimiterTests {
    /// A NACK repeated at once is a duplicate; one repeated after the receiver's own round trip
    /// is a re-ask, admitted even when the bridge's round trip (one consent check, maybe through
    /// a full queue) reads far longer.
    @Test func reAsksAreAdmittedAfterAtMostAHundredMilliseconds() {
        var limiter = RetransmissionLimiter()
        let slowRoundTrip: UInt64 = 600_000_000
        let at = { (ms: Int64) in Instant.zero.adding(milliseconds: ms) }
        #expect(limiter.admit(ssrc: 1, sequenceNumber: 7, bytes: 1_000, now: at(0), roundTripNanoseconds: slowRoundTrip) == .allowed)
        #expect(limiter.admit(ssrc: 1, sequenceNumber: 7, bytes: 1_000, now: at(5), roundTripNanoseconds: slowRoundTrip) == .repeated)
        #expect(limiter.admit(ssrc: 1, sequenceNumber: 7, bytes: 1_000, now: at(150), roundTripNanoseconds: slowRoundTrip) == .allowed)
        // A short round trip still bounds the window from below by 20 ms.
        #expect(limiter.admit(ssrc: 1, sequenceNumber: 8, bytes: 1_000, now: at(200), roundTripNanoseconds: 1_000_000) == .allowed)
        #expect(limiter.admit(ssrc: 1, sequenceNumber: 8, bytes: 1_000, now: at(210), roundTripNanoseconds: 1_000_000) == .repeated)
        #expect(limiter.admit(ssrc: 1, sequenceNumber: 8, bytes: 1_000, now: at(225), roundTripNanoseconds: 1_000_000) == .allowed)
    }
}

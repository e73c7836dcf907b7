@testable import BridgeServer
import Testing

@Suite struct UTCTimestampTests {
    @Test(arguments: [
        (UInt64(0), "1970-01-01 00:00:00.000"),
        (951_782_400_123, "2000-02-29 00:00:00.123"),
        (1_767_225_599_999, "2025-12-31 23:59:59.999"),
        (4_107_542_400_000, "2100-03-01 00:00:00.000"),
    ])
    func formatsJVBStyle(_ milliseconds: UInt64, _ expected: String) {
        #expect(UTCTimestamp.format(millisecondsSinceEpoch: milliseconds) == expected)
    }
}

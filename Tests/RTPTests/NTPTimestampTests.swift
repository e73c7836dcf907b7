import Testing
import RTP

@Suite struct NTPTimestampTests {
    @Test func convertsFromUnixTime() {
        // 2024-01-01T00:00:00.5Z: 1704067200.5 s after 1970.
        let ntp = NTPTimestamp(unixNanoseconds: 1_704_067_200_500_000_000)
        #expect(ntp.seconds == UInt32(1_704_067_200 + 2_208_988_800))
        #expect(ntp.fraction == 0x8000_0000)
        #expect(ntp.middle32 == UInt32(truncatingIfNeeded: ntp.value >> 16))
        #expect(ntp.unixNanoseconds == 1_704_067_200_500_000_000)
    }

    @Test func middleBitsAreSixteenDotSixteen() {
        let ntp = NTPTimestamp(seconds: 0x1234_5678, fraction: 0x9ABC_DEF0)
        #expect(ntp.middle32 == 0x5678_9ABC)
        #expect(NTPTimestamp(seconds: 1, fraction: 0) < ntp)
    }
}

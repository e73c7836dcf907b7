import Testing

@testable import MeetpadLoad

/// The load generator's senders pace video as libwebrtc does and start their clocks at spread
/// phases: what a browser puts on the wire, so that an SFU's latency at a given load is not set by
/// bursts no browser sends.
@Suite struct SendPacerTests {
    /// The generator's simulcast sender: 150 + 500 + 1,800 kbit/s.
    static let videoKbps = 2_450
    static let packet = 1_150
    static let frameDue: UInt64 = 1_000_000_000

    /// The send times of a frame of `bytes` due at `frameDue`, packet by packet.
    static func sendTimes(of bytes: Int, pacer: inout SendPacer, due: UInt64 = frameDue) -> [UInt64] {
        stride(from: 0, to: bytes, by: packet).map { offset in pacer.schedule(bytes: min(packet, bytes - offset), due: due) }
    }

    @Test func aDeltaFrameLeavesInOneBurst() {
        var pacer = SendPacer(videoKbps: Self.videoKbps, factor: 2.5)
        // 30 fps: 10.2 KB, a third of the 40 ms of debt the pacer allows.
        let times = Self.sendTimes(of: Self.videoKbps * 1000 / 8 / 30, pacer: &pacer)
        #expect(times.count == 9)
        #expect(times.allSatisfy { $0 == Self.frameDue })
    }

    @Test func aKeyFrameBeyondTheBurstAllowanceIsPacedAtTheRate() {
        var pacer = SendPacer(videoKbps: Self.videoKbps, factor: 2.5)
        // Four delta frames: 40.8 KB. 40 ms at 6.125 Mbit/s allows 30.6 KB of debt.
        let times = Self.sendTimes(of: 4 * Self.videoKbps * 1000 / 8 / 30, pacer: &pacer)
        let burst = times.filter { $0 == Self.frameDue }.count
        #expect(burst == 27, "27 packets (31 KB) until the debt reaches 40 ms")
        let paced = times.dropFirst(burst)
        #expect(paced.count == 9)
        // Each paced packet waits for the previous one's 1,150 bytes to drain: 1.50 ms.
        for (earlier, later) in zip(paced, paced.dropFirst()) {
            #expect(later - earlier == 1_502_040)
        }
        let last = Double(times.last! - Self.frameDue) / 1e6
        #expect(last > 12 && last < 13.5, "the key frame's last packet leaves \(last) ms after it was due")
    }

    @Test func theDebtDrainsBetweenFrames() {
        var pacer = SendPacer(videoKbps: Self.videoKbps, factor: 2.5)
        let key = Self.sendTimes(of: 40_800, pacer: &pacer)
        // The next frame, 33 ms later, finds the key frame's tail still draining but within the
        // allowance: it leaves at once.
        let next = Self.sendTimes(of: 10_200, pacer: &pacer, due: Self.frameDue + 33_333_333)
        #expect(key.last! < Self.frameDue + 33_333_333)
        #expect(next.allSatisfy { $0 == Self.frameDue + 33_333_333 })
    }

    @Test func factorZeroSendsEveryPacketWhenItsFrameIsDue() {
        var pacer = SendPacer(videoKbps: Self.videoKbps, factor: 0)
        let times = Self.sendTimes(of: 200_000, pacer: &pacer)
        #expect(times.allSatisfy { $0 == Self.frameDue })
    }

    @Test func sendersSpreadEvenlyOverTheFrameInterval() {
        for senders in [4, 20, 48, 96] {
            let phases = (0..<senders).map { SenderPhase.fraction(ofSender: $0) }.sorted()
            let gaps = zip(phases, phases.dropFirst()).map { $1 - $0 } + [1 - phases.last! + phases.first!]
            // The even spacing is 1 / senders; golden-ratio steps stay within twice it.
            #expect(gaps.max()! * Double(senders) < 2, "\(senders) senders: widest gap \(gaps.max()!)")
            #expect(phases.allSatisfy { $0 >= 0 && $0 < 1 })
        }
    }
}

@testable import Bridge
import Testing

/// The receiver's record of what it was sent under each outgoing number, sized by the stream's
/// rate: NACKs must find every packet of the last second, and a thumbnail must not hold a 720p
/// layer's room.
@Suite struct ForwardedPacketHistoryTests {
    static func entry(_ sequence: UInt16, timestamp: UInt32) -> ForwardedPacketHistory.Entry {
        ForwardedPacketHistory.Entry(
            outgoingSequence: sequence, incomingSSRC: 0xCAFE, incomingSequence: sequence &+ 7, outgoingTimestamp: timestamp,
            pictureID: 0, tl0PicIdx: 0, hasPictureIDs: false, hasTL0PicIdx: false)
    }

    /// Records `packetsPerSecond` for `seconds`, `perFrame` packets a frame at 30 frames a second
    /// (one timestamp each), from sequence `first` (so the run may cross the 16-bit wrap), and
    /// returns the history and the numbers sent.
    static func record(
        packetsPerSecond: Int, seconds: Int, first: UInt16 = 100
    ) -> (ForwardedPacketHistory, [(sequence: UInt16, timestamp: UInt32)]) {
        var history = ForwardedPacketHistory()
        var sent: [(sequence: UInt16, timestamp: UInt32)] = []
        let perFrame = max(1, packetsPerSecond / 30)
        for index in 0..<(packetsPerSecond * seconds) {
            let sequence = first &+ UInt16(truncatingIfNeeded: index)
            let timestamp = UInt32(truncatingIfNeeded: 4_000_000_000 + (index / perFrame) * 3000)
            history.record(entry(sequence, timestamp: timestamp))
            sent.append((sequence, timestamp))
        }
        return (history, sent)
    }

    @Test func aThumbnailKeepsTheSmallestRingAndItsLastSecond() throws {
        let (history, sent) = Self.record(packetsPerSecond: 20, seconds: 4)
        #expect(history.capacity == ForwardedPacketHistory.initialCapacity)
        for (sequence, timestamp) in sent.suffix(20) {
            let found = try #require(history.lookup(sequence))
            #expect(found.outgoingTimestamp == timestamp && found.incomingSequence == sequence &+ 7)
        }
    }

    @Test func a720pLayerGrowsUntilItHoldsASecondAcrossTheWrap() throws {
        let (history, sent) = Self.record(packetsPerSecond: 200, seconds: 3, first: 65_000)
        #expect(history.capacity == 256)
        for (sequence, timestamp) in sent.suffix(200) {
            #expect(history.lookup(sequence)?.outgoingTimestamp == timestamp)
        }
        // What is older than the ring is gone rather than answered with another packet.
        #expect(history.lookup(sent[0].sequence) == nil)
    }

    @Test func aBurstBeyondTheLargestRingOverwritesItsOldest() {
        let (history, sent) = Self.record(packetsPerSecond: 2000, seconds: 1)
        #expect(history.capacity == ForwardedPacketHistory.maximumCapacity)
        #expect(sent.suffix(512).allSatisfy { history.lookup($0.sequence)?.outgoingTimestamp == $0.timestamp })
        #expect(history.lookup(sent[sent.count - 513].sequence) == nil)
    }

    @Test func aResentNumberReplacesItsEntryWithoutGrowing() {
        var history = ForwardedPacketHistory()
        history.record(Self.entry(5, timestamp: 1000))
        history.record(Self.entry(5, timestamp: 1000))
        #expect(history.capacity == ForwardedPacketHistory.initialCapacity)
        #expect(history.lookup(5)?.outgoingTimestamp == 1000)
    }
}

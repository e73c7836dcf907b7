import Primitives
import Testing

@testable import RTP

/// The receive side of transport-cc: arrivals in, feedback packets out, read back with the parser.
@Suite struct TransportFeedbackRecorderTests {
    /// An instant `ms` milliseconds (and `us` microseconds) after a start well away from zero.
    static func at(_ ms: Int64, us: Int64 = 0) -> Instant {
        Instant(nanoseconds: UInt64(10_000_000_000 + ms * 1_000_000 + us * 1000))
    }

    /// One parsed feedback packet.
    struct Feedback {
        var bytes: [UInt8]
        var count: UInt8
        var base: UInt16
        var entries: [RTCPTransportCC.Entry]
        var sequences: [UInt16] { entries.map(\.sequenceNumber) }
        var received: [UInt16] { entries.filter { $0.status != .notReceived }.map(\.sequenceNumber) }
        var lost: [UInt16] { entries.filter { $0.status == .notReceived }.map(\.sequenceNumber) }
    }

    /// Every feedback packet the recorder makes now, parsed; checks the RTCP framing of each.
    static func drain(_ recorder: inout TransportFeedbackRecorder, now: Instant, capacity: Int = 1200) throws -> [Feedback] {
        var feedbacks: [Feedback] = []
        while true {
            var buffer = [UInt8](repeating: 0xEE, count: capacity)
            let length = try buffer.withUnsafeMutableBytes {
                try recorder.makeFeedback(now: now, senderSSRC: 0xB1D6E, mediaSSRC: 0xA11CE, into: $0)
            }
            guard let length else { return feedbacks }
            #expect(length % 4 == 0 && length <= capacity)
            let bytes = Array(buffer.prefix(length))
            // The RTCP length field agrees, and padding (if any) is counted in the last byte.
            #expect((Int(bytes[2]) << 8 | Int(bytes[3])) == length / 4 - 1)
            if bytes[0] & 0x20 != 0 { #expect(Int(bytes[length - 1]) >= 1 && Int(bytes[length - 1]) <= 3) }
            let feedback = try withBytes(bytes) { raw in
                let report = try RTCPTransportCC(parsing: raw)
                #expect(report.senderSSRC == 0xB1D6E && report.mediaSSRC == 0xA11CE)
                return Feedback(bytes: bytes, count: report.feedbackPacketCount, base: report.baseSequenceNumber, entries: Array(report))
            }
            feedbacks.append(feedback)
            #expect(feedbacks.count < 1000)
            if feedbacks.count >= 1000 { return feedbacks }
        }
    }

    /// Receive-time differences between received entries, in 250 µs ticks.
    static func deltas(_ entries: [RTCPTransportCC.Entry]) -> [Int64] {
        let times = entries.compactMap(\.arrivalMicroseconds)
        return zip(times.dropFirst(), times).map { ($0 - $1) / 250 }
    }

    @Test func nothingRecordedNothingDue() throws {
        var recorder = TransportFeedbackRecorder()
        #expect(recorder.nextFeedbackAt == nil && recorder.pendingStatusCount == 0)
        #expect(try Self.drain(&recorder, now: Self.at(0)).isEmpty)
    }

    @Test func firstFeedbackIsDueOneIntervalAfterTheFirstPacket() throws {
        var recorder = TransportFeedbackRecorder()
        for i in 0..<5 { recorder.record(transportSequenceNumber: UInt16(100 + i), arrival: Self.at(Int64(i) * 10)) }
        #expect(recorder.nextFeedbackAt == Self.at(100))
        #expect(recorder.pendingStatusCount == 5)

        let feedbacks = try Self.drain(&recorder, now: Self.at(100))
        #expect(feedbacks.count == 1)
        let feedback = try #require(feedbacks.first)
        #expect(feedback.count == 0 && feedback.base == 100)
        #expect(feedback.sequences == [100, 101, 102, 103, 104] && feedback.lost.isEmpty)
        #expect(Self.deltas(feedback.entries) == [40, 40, 40, 40])  // 10 ms apart
        #expect(recorder.nextFeedbackAt == nil && recorder.pendingStatusCount == 0)

        // The next one continues after what was reported, one interval after this feedback.
        recorder.record(transportSequenceNumber: 105, arrival: Self.at(130))
        #expect(recorder.nextFeedbackAt == Self.at(200))
        let next = try Self.drain(&recorder, now: Self.at(200))
        #expect(next.map(\.count) == [1] && next.first?.sequences == [105])
    }

    @Test func gapsAreReportedLostIncludingBeforeTheFirstReceived() throws {
        var recorder = TransportFeedbackRecorder()
        for seq in [10, 11, 13, 16] as [UInt16] { recorder.record(transportSequenceNumber: seq, arrival: Self.at(Int64(seq))) }
        let first = try #require(try Self.drain(&recorder, now: Self.at(100)).first)
        #expect(first.sequences == Array(10...16) && first.received == [10, 11, 13, 16] && first.lost == [12, 14, 15])

        // 17 and 18 are lost on the way; the next feedback starts at 17, not at 19.
        recorder.record(transportSequenceNumber: 19, arrival: Self.at(150))
        recorder.record(transportSequenceNumber: 20, arrival: Self.at(151))
        let second = try #require(try Self.drain(&recorder, now: Self.at(200)).first)
        #expect(second.base == 17 && second.sequences == [17, 18, 19, 20] && second.lost == [17, 18])
        #expect(second.count == 1)
        // Arrival times survive the prepended chunk.
        #expect(Self.deltas(second.entries) == [4])
    }

    @Test func longLeadingGapNeedsPaddingChange() throws {
        // Leading gaps of every length mod 4 exercise each padding case of the widened packet.
        for gap in 1...9 {
            var recorder = TransportFeedbackRecorder()
            recorder.record(transportSequenceNumber: 1000, arrival: Self.at(0))
            _ = try Self.drain(&recorder, now: Self.at(100))
            for i in 0..<gap % 4 + 1 {
                recorder.record(transportSequenceNumber: UInt16(1001 + gap + i), arrival: Self.at(110 + Int64(i), us: 300))
            }
            let feedback = try #require(try Self.drain(&recorder, now: Self.at(200)).first)
            #expect(feedback.base == 1001)
            #expect(feedback.lost == (0..<gap).map { UInt16(1001 + $0) })
            #expect(feedback.received == (0..<gap % 4 + 1).map { UInt16(1001 + gap + $0) })
        }
    }

    @Test func wrapsAround16Bits() throws {
        var recorder = TransportFeedbackRecorder()
        var reported: [UInt16] = []
        var sequence: UInt16 = 65_500
        var time: Int64 = 0
        for round in 0..<4 {
            for _ in 0..<30 {
                recorder.record(transportSequenceNumber: sequence, arrival: Self.at(time))
                sequence &+= 1
                time += 3
            }
            for feedback in try Self.drain(&recorder, now: Self.at(Int64(round + 1) * 100)) {
                #expect(feedback.lost.isEmpty)
                reported += feedback.sequences
            }
        }
        #expect(reported == (0..<120).map { 65_500 &+ UInt16($0) })
    }

    @Test func duplicatesAreReportedOnceWithTheirFirstArrival() throws {
        var recorder = TransportFeedbackRecorder()
        recorder.record(transportSequenceNumber: 7, arrival: Self.at(0))
        recorder.record(transportSequenceNumber: 8, arrival: Self.at(5))
        recorder.record(transportSequenceNumber: 8, arrival: Self.at(60))
        #expect(recorder.duplicatePackets == 1)
        let feedback = try #require(try Self.drain(&recorder, now: Self.at(100)).first)
        #expect(feedback.sequences == [7, 8] && Self.deltas(feedback.entries) == [20])
        // Still a duplicate after being reported: nothing new to send.
        recorder.record(transportSequenceNumber: 8, arrival: Self.at(120))
        #expect(recorder.duplicatePackets == 2 && recorder.nextFeedbackAt == nil)
        #expect(try Self.drain(&recorder, now: Self.at(200)).isEmpty)
    }

    @Test func reorderingWithinAWindowKeepsSequenceOrderAndNegativeDeltas() throws {
        var recorder = TransportFeedbackRecorder()
        recorder.record(transportSequenceNumber: 1, arrival: Self.at(0))
        recorder.record(transportSequenceNumber: 3, arrival: Self.at(1))
        recorder.record(transportSequenceNumber: 2, arrival: Self.at(2))
        recorder.record(transportSequenceNumber: 4, arrival: Self.at(3))
        let feedback = try #require(try Self.drain(&recorder, now: Self.at(100)).first)
        #expect(feedback.sequences == [1, 2, 3, 4] && feedback.lost.isEmpty)
        #expect(Self.deltas(feedback.entries) == [8, -4, 8])
        #expect(feedback.entries[2].status == .largeDelta)
    }

    @Test func aPacketReportedLostThatArrivesLateIsReportedAgain() throws {
        var recorder = TransportFeedbackRecorder()
        for seq in [1, 2, 4, 5] as [UInt16] { recorder.record(transportSequenceNumber: seq, arrival: Self.at(Int64(seq))) }
        let first = try #require(try Self.drain(&recorder, now: Self.at(100)).first)
        #expect(first.lost == [3])

        recorder.record(transportSequenceNumber: 3, arrival: Self.at(120))
        recorder.record(transportSequenceNumber: 6, arrival: Self.at(121))
        let second = try #require(try Self.drain(&recorder, now: Self.at(200)).first)
        #expect(second.base == 3 && second.sequences == [3, 4, 5, 6] && second.lost.isEmpty)
    }

    @Test func packetsOlderThanTheRingAreIgnored() throws {
        var recorder = TransportFeedbackRecorder(capacity: 16)
        #expect(recorder.capacity == 16)
        for seq in 100..<120 as Range<UInt16> { recorder.record(transportSequenceNumber: seq, arrival: Self.at(Int64(seq))) }
        // The window was pushed up to what the ring holds: 104 ... 119.
        #expect(recorder.pendingStatusCount == 16)
        recorder.record(transportSequenceNumber: 103, arrival: Self.at(130))
        #expect(recorder.latePackets == 1)
        let feedbacks = try Self.drain(&recorder, now: Self.at(140))
        #expect(feedbacks.flatMap(\.sequences) == Array(104..<120))
    }

    @Test func halfAFullRingMakesFeedbackDueAtOnce() {
        var recorder = TransportFeedbackRecorder(capacity: 64)
        for seq in 0..<31 as Range<UInt16> { recorder.record(transportSequenceNumber: seq, arrival: Self.at(Int64(seq) / 10)) }
        #expect(recorder.nextFeedbackAt == Self.at(100))
        recorder.record(transportSequenceNumber: 31, arrival: Self.at(3))
        #expect(recorder.nextFeedbackAt == Self.at(0))
    }

    /// The default ring is sized for what a sender sends, not a worst case: at 5,000 packets a
    /// second (16 times a simulcast camera) it fills half its ring before the 100 ms interval is
    /// up, and reporting early loses nothing. Timers run once a millisecond here.
    @Test func theDefaultRingKeepsUpWithFiveThousandPacketsASecond() throws {
        var recorder = TransportFeedbackRecorder()
        #expect(recorder.capacity == 512)
        var reported: [UInt16] = []
        for i in 0..<5000 {
            let now = Self.at(0, us: Int64(i) * 200)
            recorder.record(transportSequenceNumber: UInt16(truncatingIfNeeded: 60_000 + i), arrival: now)
            if i % 5 == 4, let due = recorder.nextFeedbackAt, due <= now {
                reported += try Self.drain(&recorder, now: now).flatMap(\.received)
            }
        }
        reported += try Self.drain(&recorder, now: Self.at(2000)).flatMap(\.received)
        #expect(reported == (0..<5000).map { UInt16(truncatingIfNeeded: 60_000 + $0) })
        #expect(recorder.latePackets == 0)
    }

    @Test func moreThanOneBufferIsSplitWithIncreasingCounts() throws {
        var recorder = TransportFeedbackRecorder(capacity: 4096)
        // 600 packets 100 µs apart with every 7th lost: too many for a 200-byte buffer.
        var expected: [UInt16] = []
        for i in 0..<600 where i % 7 != 3 {
            recorder.record(transportSequenceNumber: UInt16(i), arrival: Self.at(0, us: Int64(i) * 100))
            expected.append(UInt16(i))
        }
        let feedbacks = try Self.drain(&recorder, now: Self.at(100), capacity: 200)
        #expect(feedbacks.count > 3)
        #expect(feedbacks.map(\.count) == (0..<feedbacks.count).map { UInt8($0) })
        #expect(feedbacks.flatMap(\.received) == expected)
        // Consecutive feedbacks cover consecutive statuses, no overlap and no hole.
        #expect(feedbacks.flatMap(\.sequences) == Array(0..<UInt16(expected.last! + 1)))
        // Arrival times survive the split: every feedback anchors its reference time on the
        // absolute clock, so each received entry carries its own arrival to the 250 µs tick.
        for feedback in feedbacks {
            for entry in feedback.entries where entry.status != .notReceived {
                let nanoseconds = Self.at(0, us: Int64(entry.sequenceNumber) * 100).nanoseconds
                #expect(entry.arrivalMicroseconds == Int64(nanoseconds / 250_000) * 250)
            }
        }
    }

    @Test func aDeltaTooLargeStartsANewFeedback() throws {
        var recorder = TransportFeedbackRecorder()
        recorder.record(transportSequenceNumber: 1, arrival: Self.at(0))
        recorder.record(transportSequenceNumber: 2, arrival: Self.at(1))
        recorder.record(transportSequenceNumber: 4, arrival: Self.at(9_000))  // 9 s later: beyond ±8.19 s
        recorder.record(transportSequenceNumber: 5, arrival: Self.at(9_001))
        let feedbacks = try Self.drain(&recorder, now: Self.at(9_100))
        #expect(feedbacks.count == 2)
        #expect(feedbacks[0].sequences == [1, 2])
        #expect(feedbacks[1].base == 3 && feedbacks[1].sequences == [3, 4, 5] && feedbacks[1].lost == [3])
        #expect(feedbacks.map(\.count) == [0, 1])
    }

    @Test func feedbackCountWraps() throws {
        var recorder = TransportFeedbackRecorder()
        var counts: [UInt8] = []
        for i in 0..<300 {
            recorder.record(transportSequenceNumber: UInt16(i), arrival: Self.at(Int64(i) * 100))
            counts += try Self.drain(&recorder, now: Self.at(Int64(i) * 100 + 100)).map(\.count)
        }
        #expect(counts == (0..<300).map { UInt8(truncatingIfNeeded: $0) })
    }

    @Test func tinyBufferIsRefused() {
        var recorder = TransportFeedbackRecorder()
        recorder.record(transportSequenceNumber: 1, arrival: Self.at(0))
        var buffer = [UInt8](repeating: 0, count: 20)
        #expect(throws: RTPBuildError.bufferTooSmall) {
            try buffer.withUnsafeMutableBytes { try recorder.makeFeedback(now: Self.at(100), senderSSRC: 1, mediaSSRC: 2, into: $0) }
        }
        // Nothing was consumed.
        #expect(recorder.pendingStatusCount == 1 && recorder.feedbackPacketCount == 0)
    }

    /// Random loss, reordering, duplication and wrap: every packet that arrived is reported
    /// received, with its first arrival time to the tick, and nothing else is.
    @Test func randomTrafficRoundTrips() throws {
        var generator = SeededGenerator(seed: 0x7CC2)
        for _ in 0..<40 {
            var recorder = TransportFeedbackRecorder(capacity: 1024)
            var next = UInt16.random(in: 0...UInt16.max, using: &generator)
            var time: Int64 = 0  // µs after Self.at(0)
            var firstArrival: [UInt16: Int64] = [:]
            var reportedReceived: Set<UInt16> = []
            var delayed: [(sequence: UInt16, releaseAfter: UInt16)] = []
            var lastRecorded: UInt16?

            func check(_ feedbacks: [Feedback]) {
                for feedback in feedbacks {
                    for entry in feedback.entries where entry.status != .notReceived {
                        guard let arrival = firstArrival[entry.sequenceNumber] else {
                            Issue.record("\(entry.sequenceNumber) reported but never recorded")
                            continue
                        }
                        // Reference times are absolute (no 24-bit wrap within this test's 20 s).
                        #expect(entry.arrivalMicroseconds == ((10_000_000 + arrival) / 250) * 250)
                        reportedReceived.insert(entry.sequenceNumber)
                    }
                }
            }

            for _ in 0..<2000 {
                time += Int64.random(in: 0...3000, using: &generator)
                let roll = Int.random(in: 0..<100, using: &generator)
                var sequence: UInt16
                if let first = delayed.first, roll < 10 || first.releaseAfter &- next > 0x8000 {
                    sequence = delayed.removeFirst().sequence  // reordered: arrives late
                } else if roll < 15 {
                    next &+= 1  // lost
                    continue
                } else if roll < 20 {
                    delayed.append((next, next &+ UInt16.random(in: 1...100, using: &generator)))
                    next &+= 1
                    continue
                } else if roll < 23, let last = lastRecorded {
                    sequence = last  // duplicated
                } else {
                    sequence = next
                    next &+= 1
                }
                recorder.record(transportSequenceNumber: sequence, arrival: Self.at(0, us: time))
                lastRecorded = sequence
                if firstArrival[sequence] == nil { firstArrival[sequence] = time }
                if let due = recorder.nextFeedbackAt, due <= Self.at(0, us: time) {
                    check(try Self.drain(&recorder, now: Self.at(0, us: time)))
                }
            }
            check(try Self.drain(&recorder, now: Self.at(0, us: time + 1)))
            #expect(recorder.latePackets == 0)
            #expect(reportedReceived == Set(firstArrival.keys))
        }
    }

    @Test func transportSequenceNumberFromExtension() throws {
        // One-byte extensions: audio level (id 1), transport-cc (id 5) = 0x1234, a 1-byte id 6.
        let packet = hex("90 6F 00 01  00 00 00 02  00 00 00 03  BE DE 00 02  10 7F 51 12  34 60 AA 00") + [1, 2, 3]
        try withBytes(packet) { raw in
            let view = try RTPHeaderView(parsing: raw)
            #expect(view.transportSequenceNumber(extensionID: 5, in: raw) == 0x1234)
            #expect(view.transportSequenceNumber(extensionID: 3, in: raw) == nil)
            // An element too short to hold 16 bits.
            #expect(view.transportSequenceNumber(extensionID: 6, in: raw) == nil)
            let element = try #require(view.extensionElement(id: 5, in: raw))
            #expect(element.transportSequenceNumber(in: raw) == 0x1234)
            #expect(RTPHeaderExtensionElement(id: 5, offset: raw.count - 1, length: 2).transportSequenceNumber(in: raw) == nil)
        }
    }
}

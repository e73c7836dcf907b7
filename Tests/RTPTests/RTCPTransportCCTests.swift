import Primitives
import Testing
@testable import RTP

/// Transport-cc feedback, draft-holmer-rmcat-transport-wide-cc-extensions-01 §3.1.
@Suite struct RTCPTransportCCTests {
    /// Base 100, 8 statuses, reference time 16 (1024 ms), feedback count 7.
    /// Chunk 1: run of 5 small deltas (0x2005). Chunk 2: 2-bit vector [none, large, small, …] (0xC900),
    /// of which only the first 3 symbols count. Deltas 4, 8, 1, 0, 255, then -4 (2 bytes), then 2.
    static let example = hex("""
        8F CD 00 07  11 11 11 11  22 22 22 22
        00 64 00 08  00 00 10 07
        20 05 C9 00
        04 08 01 00  FF FF FC 02
        """)

    @Test func exampleDecodes() throws {
        let entries = try withBytes(Self.example) { bytes in
            let report = try RTCPTransportCC(parsing: bytes)
            #expect(report.senderSSRC == 0x1111_1111 && report.mediaSSRC == 0x2222_2222)
            #expect(report.baseSequenceNumber == 100 && report.packetStatusCount == 8)
            #expect(report.referenceTime == 16 && report.feedbackPacketCount == 7)
            return Array(report)
        }
        #expect(entries.map(\.sequenceNumber) == Array(100...107))
        #expect(entries.map(\.status) == [.smallDelta, .smallDelta, .smallDelta, .smallDelta, .smallDelta, .notReceived, .largeDelta, .smallDelta])
        #expect(entries.map(\.delta) == [4, 8, 1, 0, 255, 0, -4, 2])
        #expect(entries.map(\.arrivalMicroseconds) == [1_025_000, 1_027_000, 1_027_250, 1_027_250, 1_091_000, nil, 1_090_000, 1_090_500])
    }

    @Test func negativeReferenceTimeIsSignExtended() throws {
        var bytes = Self.example
        bytes[16] = 0xFF; bytes[17] = 0xFF; bytes[18] = 0xFF
        #expect(try withBytes(bytes) { try RTCPTransportCC(parsing: $0).referenceTime } == -1)
    }

    @Test func malformedReports() {
        var short = Self.example
        short[15] = 30  // 30 statuses: the chunks run into the deltas and past the end
        #expect(throws: RTCPParseError.statusOverrun) { try withBytes(short) { try RTCPTransportCC(parsing: $0) } }
        var reserved = Self.example
        reserved[22] = 0xFF  // 2-bit vector whose symbols are all 3
        #expect(throws: RTCPParseError.reservedStatus) { try withBytes(reserved) { try RTCPTransportCC(parsing: $0) } }
        forEachTruncation(of: Self.example) { bytes, _ in
            #expect(throws: RTCPParseError.self) { try RTCPTransportCC(parsing: bytes) }
        }
    }

    func arrivals(_ list: [(UInt16, UInt64)]) -> [RTCPTransportCC.Arrival] {
        list.map { RTCPTransportCC.Arrival(sequenceNumber: $0.0, arrival: Instant(nanoseconds: $0.1 * 1000)) }
    }

    func roundTrip(_ packets: [RTCPTransportCC.Arrival], maxPackets: Int = 1000) throws -> (consumed: Int, [RTCPTransportCC.Entry], [UInt8]) {
        var buffer = [UInt8](repeating: 0xEE, count: 4000)
        let (length, consumed) = try buffer.withUnsafeMutableBytes {
            try RTCPTransportCC.write(senderSSRC: 1, mediaSSRC: 2, feedbackPacketCount: 3, packets: packets,
                                      maxPackets: maxPackets, into: $0)
        }
        #expect(length % 4 == 0)
        let bytes = Array(buffer.prefix(length))
        let entries = try withBytes(bytes) { try Array(RTCPTransportCC(parsing: $0)) }
        return (consumed, entries, bytes)
    }

    /// Checks that received entries carry the input's arrival times to 250 µs resolution.
    func expectMatches(_ entries: [RTCPTransportCC.Entry], _ packets: ArraySlice<RTCPTransportCC.Arrival>) {
        let received = entries.filter { $0.status != .notReceived }
        #expect(received.map(\.sequenceNumber) == packets.map(\.sequenceNumber))
        guard let first = received.first?.arrivalMicroseconds, let start = packets.first else { return }
        for (entry, packet) in zip(received, packets) {
            let expected = Int64(packet.arrival.nanoseconds / 250_000) - Int64(start.arrival.nanoseconds / 250_000)
            #expect((entry.arrivalMicroseconds! - first) / 250 == expected)
        }
        #expect(entries.count == Int(packets.last!.sequenceNumber &- packets.first!.sequenceNumber) + 1)
    }

    @Test func builderUsesEveryChunkKind() throws {
        // 20 small (run-length), a gap of 3, then alternating small and large deltas (2-bit vectors).
        let base: UInt16 = 65530
        var list: [(UInt16, UInt64)] = (0..<20).map { (base &+ UInt16($0), 5_000_000 + UInt64($0) * 1000) }
        list += [(base &+ 23, 5_100_000), (base &+ 24, 5_100_500), (base &+ 25, 5_200_000), (base &+ 26, 5_190_000)]
        let packets = arrivals(list)
        let (consumed, entries, bytes) = try roundTrip(packets)
        #expect(consumed == packets.count)
        expectMatches(entries, packets[...])
        #expect(entries[20].status == .notReceived && entries[26].status == .largeDelta && entries[26].delta == -40)
        #expect(bytes[20] & 0x80 == 0)  // first chunk is run-length
    }

    @Test func builderStopsAtUnrepresentableDelta() throws {
        let packets = arrivals([(1, 1_000_000), (2, 1_001_000), (3, 20_000_000), (4, 20_001_000)])
        let (consumed, entries, _) = try roundTrip(packets)
        #expect(consumed == 2 && entries.count == 2)
        let (limited, _, _) = try roundTrip(packets, maxPackets: 1)
        #expect(limited == 1)
        let (rest, restEntries, _) = try roundTrip(Array(packets[2...]))
        #expect(rest == 2)
        expectMatches(restEntries, packets[2...])
    }

    @Test func builderRoundTripProperty() throws {
        var generator = SeededGenerator(seed: 0x7CC)
        for _ in 0..<300 {
            var sequence = UInt16.random(in: 0...UInt16.max, using: &generator)
            var time = UInt64.random(in: 0...1_000_000_000, using: &generator)
            var packets: [RTCPTransportCC.Arrival] = []
            for _ in 0..<Int.random(in: 1...200, using: &generator) {
                packets.append(.init(sequenceNumber: sequence, arrival: Instant(nanoseconds: time)))
                sequence &+= Bool.random(using: &generator) ? 1 : UInt16.random(in: 1...30, using: &generator)
                // Mostly small steps, sometimes large ones (forward only: arrival order is sorted).
                time += Int.random(in: 0...9, using: &generator) == 0
                    ? UInt64.random(in: 64_000_000...2_000_000_000, using: &generator)
                    : UInt64.random(in: 0...5_000_000, using: &generator)
            }
            let (consumed, entries, _) = try roundTrip(packets)
            #expect(consumed == packets.count)
            expectMatches(entries, packets[...])
        }
    }

    @Test func builderRejectsEmptyInputAndSmallBuffers() {
        #expect(throws: RTPBuildError.valueOutOfRange) {
            _ = try written { try RTCPTransportCC.write(senderSSRC: 1, mediaSSRC: 2, feedbackPacketCount: 0, packets: [], into: $0).length }
        }
        #expect(throws: RTPBuildError.bufferTooSmall) {
            _ = try written(capacity: 16) {
                try RTCPTransportCC.write(senderSSRC: 1, mediaSSRC: 2, feedbackPacketCount: 0,
                                          packets: arrivals([(1, 0)]), into: $0).length
            }
        }
    }
}

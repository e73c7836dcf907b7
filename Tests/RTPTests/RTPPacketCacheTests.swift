import Primitives
import Testing
import RTP

@Suite struct RTPPacketCacheTests {
    func packet(_ sequence: UInt16) -> [UInt8] { [0x80, 0x60, UInt8(sequence >> 8), UInt8(sequence & 0xFF)] + Array(repeating: 1, count: 20) }

    @Test func storesAndEvictsOldest() {
        var cache = RTPPacketCache(capacity: 4, slotSize: 100)
        let now = Instant(nanoseconds: 1_000_000)
        for sequence: UInt16 in 10...15 {
            #expect(withBytes(packet(sequence)) { cache.insert($0, sequenceNumber: sequence, now: now) })
        }
        #expect(!cache.contains(sequenceNumber: 10, now: now) && !cache.contains(sequenceNumber: 11, now: now))
        for sequence: UInt16 in 12...15 {
            #expect(cache.withPacket(sequenceNumber: sequence, now: now) { Array($0) } == packet(sequence))
        }
        #expect(!cache.contains(sequenceNumber: 16, now: now))
    }

    @Test func wrapsAndExpires() {
        var cache = RTPPacketCache(capacity: 8, slotSize: 100, maxAgeMilliseconds: 100)
        let start = Instant(nanoseconds: 0)
        for sequence: UInt16 in [65534, 65535, 0, 1] { withBytes(packet(sequence)) { _ = cache.insert($0, sequenceNumber: sequence, now: start) } }
        #expect([65534, 65535, 0, 1].allSatisfy { cache.contains(sequenceNumber: $0, now: start.adding(milliseconds: 100)) })
        #expect(!cache.contains(sequenceNumber: 0, now: start.adding(milliseconds: 101)))
        cache.removeAll()
        #expect(!cache.contains(sequenceNumber: 1, now: start))
    }

    @Test func rejectsOversizedAndEmptyPackets() {
        var cache = RTPPacketCache(capacity: 2, slotSize: 16)
        #expect(!withBytes(packet(1)) { cache.insert($0, sequenceNumber: 1, now: .zero) })
        #expect(!withBytes([]) { cache.insert($0, sequenceNumber: 1, now: .zero) })
        #expect(!cache.contains(sequenceNumber: 1, now: .zero))
    }
}

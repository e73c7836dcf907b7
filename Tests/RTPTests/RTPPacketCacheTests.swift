import Primitives
import Testing
@testable import RTP

@Suite struct RTPPacketCacheTests {
    func packet(_ sequence: UInt16, size: Int = 24) -> [UInt8] {
        [0x80, 0x60, UInt8(sequence >> 8), UInt8(sequence & 0xFF)] + (4..<size).map { UInt8(truncatingIfNeeded: Int(sequence) &* 31 &+ $0) }
    }

    /// Inserts `count` packets of `size` bytes, `interval` milliseconds apart, numbered on from
    /// `sequence`; both advance.
    func feed(_ cache: inout RTPPacketCache, _ count: Int, size: Int, everyMilliseconds interval: Int64,
              sequence: inout UInt16, now: inout Instant) {
        for _ in 0..<count {
            withBytes(packet(sequence, size: size)) { _ = cache.insert($0, sequenceNumber: sequence, now: now) }
            sequence &+= 1
            now = now.adding(milliseconds: interval)
        }
    }

    @Test func storesAndEvictsByIndex() {
        var cache = RTPPacketCache(indexSize: 4, maxPacketSize: 100)
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
        var cache = RTPPacketCache(indexSize: 8, maxPacketSize: 100, maxAgeMilliseconds: 100)
        let start = Instant(nanoseconds: 0)
        for sequence: UInt16 in [65534, 65535, 0, 1] { withBytes(packet(sequence)) { _ = cache.insert($0, sequenceNumber: sequence, now: start) } }
        #expect([65534, 65535, 0, 1].allSatisfy { cache.contains(sequenceNumber: $0, now: start.adding(milliseconds: 100)) })
        #expect(!cache.contains(sequenceNumber: 0, now: start.adding(milliseconds: 101)))
        cache.removeAll()
        #expect(!cache.contains(sequenceNumber: 1, now: start))
    }

    @Test func rejectsOversizedAndEmptyPackets() {
        var cache = RTPPacketCache(indexSize: 2, maxPacketSize: 16)
        #expect(!withBytes(packet(1)) { cache.insert($0, sequenceNumber: 1, now: .zero) })
        #expect(!withBytes([]) { cache.insert($0, sequenceNumber: 1, now: .zero) })
        #expect(!cache.contains(sequenceNumber: 1, now: .zero))
    }

    /// Whatever the sizes, a lookup gives the packet's own bytes or a miss, never bytes another
    /// packet wrote over it; and the newest packets that fit the arena are always there.
    @Test func aLookupIsTheRightBytesOrAMiss() {
        var cache = RTPPacketCache(indexSize: 64, maxPacketSize: 1200, minimumBytes: 4096, initialBytes: 4096, maximumBytes: 4096)
        var generator = SplitMix64(seed: 11)
        var sizes: [UInt16: Int] = [:]
        var now = Instant(nanoseconds: 1)
        for sequence in UInt16(0)..<2000 {
            let size = Int.random(in: 12...1200, using: &generator)
            sizes[sequence] = size
            withBytes(packet(sequence, size: size)) { _ = cache.insert($0, sequenceNumber: sequence, now: now) }
            now = now.adding(milliseconds: 1)
            var newest = 0
            for back in UInt16(0)..<64 where back <= sequence {
                let old = sequence - back
                guard let bytes = cache.withPacket(sequenceNumber: old, now: now, { Array($0) }) else { continue }
                #expect(bytes == packet(old, size: sizes[old]!), "\(old) read after \(sequence)")
                if back == UInt16(newest) { newest += 1 }
            }
            // The newest packet always survives its own insert.
            #expect(newest >= 1, "\(sequence)")
        }
    }

    @Test func arenaFollowsTheBitrate() {
        var cache = RTPPacketCache()
        let minimum = 32 << 10
        let entry = MemoryLayout<RTPPacketCache.Entry>.stride
        // It starts at the minimum (and a 64-number index), not at a guess of the rate.
        #expect(cache.allocatedBytes == minimum + 64 * entry)
        var now = Instant(nanoseconds: 1)
        var sequence: UInt16 = 0
        // 2.4 Mbit/s (250 packets of 1200 bytes a second) for 3 s: a second of it is 300,000
        // bytes, held with a quarter's headroom (375,000) rounded up to 23 granules of 16 KiB,
        // not to the next power of two (512 KiB).
        feed(&cache, 750, size: 1200, everyMilliseconds: 4, sequence: &sequence, now: &now)
        // The index grew until the number it evicts is over a second old: 256 numbers at 250 a second.
        let index = 256 * entry
        #expect(cache.allocatedBytes - index == 23 * (16 << 10), "\(cache.allocatedBytes)")
        // Everything younger than a second is there to answer a NACK.
        for back in UInt16(1)...240 { #expect(cache.contains(sequenceNumber: sequence &- back, now: now), "\(back)") }
        // 100 kbit/s for 3 s: back to the minimum, and the newest packets survive the move.
        feed(&cache, 30, size: 1200, everyMilliseconds: 100, sequence: &sequence, now: &now)
        #expect(cache.allocatedBytes == minimum + index, "\(cache.allocatedBytes)")
        for back in UInt16(1)...9 {
            #expect(cache.withPacket(sequenceNumber: sequence &- back, now: now) { Array($0) } == packet(sequence &- back, size: 1200))
        }
    }

    @Test func growingKeepsWhatWasCached() {
        var cache = RTPPacketCache(minimumBytes: 16 << 10, initialBytes: 16 << 10, maximumBytes: 1 << 20)
        var now = Instant(nanoseconds: 1)
        for sequence in UInt16(0)..<400 {
            withBytes(packet(sequence, size: 1000)) { _ = cache.insert($0, sequenceNumber: sequence, now: now) }
            now = now.adding(milliseconds: 3)
            if sequence == 334 {
                // 1 s at 2.7 Mbit/s from a 16 KB arena: it grew each time the second's bytes
                // outgrew it, moving what it held, so nothing of the second was written over (a
                // first key frame is still there to answer NACKs). Packets 0 and 1 are more
                // than a second old by now.
                #expect(cache.allocatedBytes >= 335 * 1000, "\(cache.allocatedBytes)")
                #expect(!cache.contains(sequenceNumber: 1, now: now))
                for old in UInt16(2)...334 {
                    #expect(cache.withPacket(sequenceNumber: old, now: now) { Array($0) } == packet(old, size: 1000), "\(old)")
                }
            }
        }
        #expect(cache.withPacket(sequenceNumber: 320, now: now) { Array($0) } == packet(320, size: 1000))
        #expect(cache.withPacket(sequenceNumber: 399, now: now) { Array($0) } == packet(399, size: 1000))
    }

    /// Stale once its newest packet is older than the age limit, not before.
    @Test func staleOnlyWhenTheNewestPacketIsPastItsAge() {
        var cache = RTPPacketCache(maxAgeMilliseconds: 1000)
        let start = Instant(nanoseconds: 1)
        withBytes(packet(1)) { _ = cache.insert($0, sequenceNumber: 1, now: start) }
        withBytes(packet(2)) { _ = cache.insert($0, sequenceNumber: 2, now: start.adding(milliseconds: 500)) }
        #expect(!cache.isStale(at: start.adding(milliseconds: 1500)))
        #expect(cache.isStale(at: start.adding(milliseconds: 1501)))
        #expect(!cache.contains(sequenceNumber: 2, now: start.adding(milliseconds: 1501)))
    }

    /// A 150 kbit/s layer (a 180p simulcast encoding) never leaves the minimum arena.
    @Test func aQuietStreamStaysAtTheMinimum() {
        var cache = RTPPacketCache()
        var now = Instant(nanoseconds: 1)
        var sequence: UInt16 = 0
        feed(&cache, 300, size: 940, everyMilliseconds: 50, sequence: &sequence, now: &now)
        #expect(cache.allocatedBytes == (32 << 10) + 64 * MemoryLayout<RTPPacketCache.Entry>.stride, "\(cache.allocatedBytes)")
        for back in UInt16(1)...20 { #expect(cache.contains(sequenceNumber: sequence &- back, now: now), "\(back)") }
    }

    /// At 1,000 packets a second (a screen share's burst) the index grows to its largest and
    /// still answers for half a second; packets it had indexed keep their entries as it grows.
    @Test func theIndexGrowsToItsLargestAndKeepsWhatItIndexed() {
        var cache = RTPPacketCache(maximumBytes: 2 << 20)
        var now = Instant(nanoseconds: 1)
        var sequence: UInt16 = 65_000
        feed(&cache, 100, size: 200, everyMilliseconds: 1, sequence: &sequence, now: &now)
        #expect(cache.entries.count == 128)
        for back in UInt16(1)...100 { #expect(cache.contains(sequenceNumber: sequence &- back, now: now), "\(back)") }
        feed(&cache, 900, size: 200, everyMilliseconds: 1, sequence: &sequence, now: &now)
        #expect(cache.entries.count == cache.indexSize)
        for back in UInt16(1)...512 {
            #expect(cache.withPacket(sequenceNumber: sequence &- back, now: now) { Array($0) } == packet(sequence &- back, size: 200))
        }
        #expect(!cache.contains(sequenceNumber: sequence &- 513, now: now))
    }
}

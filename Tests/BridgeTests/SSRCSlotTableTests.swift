import Bridge
import Testing

/// A receiver's SSRC slots: bridge-chosen SSRCs, LRU takeover when full, feedback lookup.
@Suite struct SSRCSlotTableTests {
    /// SplitMix64, so slot SSRCs are reproducible.
    struct SeededGenerator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    /// Returns `values` in turn (then 1, 2, 3, ...): repeating a value makes the table draw the
    /// same SSRC again, whatever the standard library's mapping from draws to a range is.
    struct ScriptedGenerator: RandomNumberGenerator {
        var values: [UInt64]
        var fallback: UInt64 = 0
        mutating func next() -> UInt64 {
            if !values.isEmpty { return values.removeFirst() }
            fallback += 1
            return fallback
        }
        /// The SSRC the table draws from `value`.
        static func ssrc(_ value: UInt64) -> UInt32 {
            var generator = ScriptedGenerator(values: [value])
            return UInt32.random(in: 1 ... .max, using: &generator)
        }
    }

    static func assign(_ table: inout SSRCSlotTable, _ key: Int, _ generator: inout SeededGenerator) -> SSRCSlotTable.Assignment {
        table.assign(key, using: &generator) { _ in false }
    }

    @Test func fillsUpToCapacityWithDistinctNonzeroSSRCs() {
        var generator = SeededGenerator(state: 1)
        var table = SSRCSlotTable(withRTX: true)
        #expect(table.capacity == 50)
        for key in 0..<50 {
            let assignment = Self.assign(&table, key, &generator)
            #expect(assignment == .init(slotIndex: key, isNewAssignment: true, isNewSlot: true, previousKey: nil))
        }
        #expect(table.slotCount == 50 && table.assignedCount == 50)
        let ssrcs = (0..<50).flatMap { [table.slot(at: $0).primarySSRC, table.slot(at: $0).rtxSSRC!] }
        #expect(Set(ssrcs).count == 100)
        #expect(!ssrcs.contains(0))
        #expect(table.mappings.map(\.key) == Array(0..<50))
    }

    @Test func audioSlotsHaveNoRTX() {
        var generator = SeededGenerator(state: 2)
        var table = SSRCSlotTable(withRTX: false)
        let assignment = Self.assign(&table, 7, &generator)
        #expect(table.slot(at: assignment.slotIndex).rtxSSRC == nil)
        #expect(table.slot(at: assignment.slotIndex).primarySSRC != 0)
    }

    @Test func reassigningAnAssignedSourceOnlyRefreshesIt() {
        var generator = SeededGenerator(state: 3)
        var table = SSRCSlotTable(capacity: 2, withRTX: true)
        _ = Self.assign(&table, 10, &generator)
        _ = Self.assign(&table, 11, &generator)
        let before = table.slot(at: 0)
        let again = Self.assign(&table, 10, &generator)
        #expect(again == .init(slotIndex: 0, isNewAssignment: false, isNewSlot: false, previousKey: nil))
        #expect(table.slot(at: 0).primarySSRC == before.primarySSRC && table.slot(at: 0).rtxSSRC == before.rtxSSRC)
        // 10 was refreshed, so 11 is now the least recently used.
        let third = Self.assign(&table, 12, &generator)
        #expect(third == .init(slotIndex: 1, isNewAssignment: true, isNewSlot: false, previousKey: 11))
    }

    @Test func fullTableTakesOverTheLeastRecentlyUsedSlotAndKeepsItsSSRCs() {
        var generator = SeededGenerator(state: 4)
        var table = SSRCSlotTable(capacity: 3, withRTX: true)
        for key in [1, 2, 3] { _ = Self.assign(&table, key, &generator) }
        let original = (0..<3).map { table.slot(at: $0) }
        #expect(table.touch(1) == 0)  // order of use now: 2, 3, 1
        table.touch(slotIndex: 2)     // 2, 1, 3

        let takeover = Self.assign(&table, 4, &generator)
        #expect(takeover == .init(slotIndex: 1, isNewAssignment: true, isNewSlot: false, previousKey: 2))
        #expect(table.slot(at: 1).key == 4)
        #expect(table.slot(at: 1).primarySSRC == original[1].primarySSRC && table.slot(at: 1).rtxSSRC == original[1].rtxSSRC)
        #expect(table.slotIndex(for: 2) == nil && table.touch(2) == nil)
        #expect(table.slotIndex(for: 4) == 1)

        // Next victims in order: 1 (slot 0), then 3 (slot 2), then 4 (slot 1).
        #expect(Self.assign(&table, 5, &generator).previousKey == 1)
        #expect(Self.assign(&table, 6, &generator).previousKey == 3)
        #expect(Self.assign(&table, 7, &generator).previousKey == 4)
        #expect(table.slotCount == 3 && table.assignedCount == 3)
        #expect(Set(table.mappings.compactMap(\.key)) == [5, 6, 7])
    }

    @Test func lookupBySlotSSRCFindsPrimaryAndRTX() {
        var generator = SeededGenerator(state: 5)
        var table = SSRCSlotTable(capacity: 4, withRTX: true)
        for key in [100, 200, 300] { _ = table.assign(key, using: &generator) }
        for index in 0..<3 {
            let slot = table.slot(at: index)
            #expect(table.slotIndex(ssrc: slot.primarySSRC) == index)
            #expect(table.slotIndex(ssrc: slot.rtxSSRC!) == index)
            #expect(table.owns(ssrc: slot.primarySSRC))
        }
        let used = Set((0..<3).flatMap { [table.slot(at: $0).primarySSRC, table.slot(at: $0).rtxSSRC!] })
        let stranger = (1...UInt32(10)).first { !used.contains($0) }!
        #expect(table.slotIndex(ssrc: stranger) == nil && !table.owns(ssrc: stranger))
        #expect(table.slotIndex(ssrc: 0) == nil)
        #expect(table.slot(at: table.slotIndex(ssrc: table.slot(at: 1).rtxSSRC!)!).key == 200)
    }

    @Test func newSSRCsAvoidTheCallersSetAndTheTable() {
        let (a, b, c, d, e) = (UInt64(0x1111_2222_3333_4444), UInt64(0x5555_6666_7777_8888), UInt64(0x9999_AAAA_BBBB_CCCC),
                               UInt64(0xDDDD_EEEE_FFFF_0001), UInt64(0x0123_4567_89AB_CDEF))
        let ssrc = ScriptedGenerator.ssrc
        #expect(Set([a, b, c, d, e].map(ssrc)).count == 5)
        // Slot 0: a is in use elsewhere, b is taken as primary; b again is the slot's own primary,
        // so c becomes RTX. Slot 1: b and c belong to the table, d and e are new.
        var generator = ScriptedGenerator(values: [a, b, b, c, b, c, d, e])
        var table = SSRCSlotTable(capacity: 4, withRTX: true)
        let inUse: Set<UInt32> = [ssrc(a)]
        _ = table.assign(1, using: &generator) { inUse.contains($0) }
        #expect(table.slot(at: 0).primarySSRC == ssrc(b) && table.slot(at: 0).rtxSSRC == ssrc(c))
        _ = table.assign(2, using: &generator) { inUse.contains($0) }
        #expect(table.slot(at: 1).primarySSRC == ssrc(d) && table.slot(at: 1).rtxSSRC == ssrc(e))
        #expect(generator.values.isEmpty)
    }

    @Test func uniquenessHoldsOverManySeeds() {
        for seed in UInt64(0)..<20 {
            var generator = SeededGenerator(state: seed)
            var table = SSRCSlotTable(withRTX: true)
            let senders: Set<UInt32> = Set((0..<200).map { _ in UInt32.random(in: 1 ... .max, using: &generator) })
            for key in 0..<120 { _ = table.assign(key % 70, using: &generator) { senders.contains($0) } }
            let ssrcs = (0..<table.slotCount).flatMap { [table.slot(at: $0).primarySSRC, table.slot(at: $0).rtxSSRC!] }
            #expect(Set(ssrcs).count == ssrcs.count)
            #expect(Set(ssrcs).isDisjoint(with: senders))
        }
    }

    @Test func sameSeedGivesSameSSRCs() {
        func ssrcs(seed: UInt64) -> [UInt32] {
            var generator = SeededGenerator(state: seed)
            var table = SSRCSlotTable(capacity: 5, withRTX: true)
            for key in 0..<5 { _ = table.assign(key, using: &generator) { _ in false } }
            return table.mappings.flatMap { [$0.primarySSRC, $0.rtxSSRC!] }
        }
        #expect(ssrcs(seed: 42) == ssrcs(seed: 42))
        #expect(ssrcs(seed: 42) != ssrcs(seed: 43))
    }

    @Test func releasedSlotsAreReusedBeforeNewOnesAndBeforeTakeover() {
        var generator = SeededGenerator(state: 6)
        var table = SSRCSlotTable(capacity: 3, withRTX: false)
        for key in [1, 2] { _ = Self.assign(&table, key, &generator) }
        let ssrcOfOne = table.slot(at: 0).primarySSRC
        #expect(table.release(1) == 0)
        #expect(table.release(1) == nil)
        #expect(table.slot(at: 0).key == nil && table.assignedCount == 1)
        #expect(table.mappings.map(\.key) == [2])

        // A released slot comes back before a third slot is created; its SSRC is known to the client.
        let reuse = Self.assign(&table, 3, &generator)
        #expect(reuse == .init(slotIndex: 0, isNewAssignment: true, isNewSlot: false, previousKey: nil))
        #expect(table.slot(at: 0).primarySSRC == ssrcOfOne)
        #expect(Self.assign(&table, 4, &generator).isNewSlot)

        // Releasing by predicate (an endpoint leaving), then the freed slots come back first.
        table.releaseAll { $0 == 2 || $0 == 4 }
        #expect(table.assignedCount == 1 && table.slotIndex(for: 2) == nil && table.slotIndex(for: 4) == nil)
        #expect(Self.assign(&table, 5, &generator).previousKey == nil)
        #expect(Self.assign(&table, 6, &generator).previousKey == nil)
        #expect(Self.assign(&table, 7, &generator).previousKey == 3)
        #expect(table.slotCount == 3)
    }
}

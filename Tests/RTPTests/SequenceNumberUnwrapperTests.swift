import Testing
import RTP

@Suite struct SequenceNumberUnwrapperTests {
    @Test func wrapsForward() {
        var unwrapper = SequenceNumberUnwrapper()
        #expect(unwrapper.highest == nil)
        #expect([65533, 65534, 65535, 0, 1].map { unwrapper.unwrap($0) } == [65533, 65534, 65535, 65536, 65537])
        #expect(unwrapper.highest == 65537)
    }

    @Test func reorderingAcrossTheWrapDoesNotMoveHighestBack() {
        var unwrapper = SequenceNumberUnwrapper()
        #expect([65534, 1, 65535, 0, 2].map { unwrapper.unwrap($0) } == [65534, 65537, 65535, 65536, 65538])
        #expect(unwrapper.highest == 65538)
    }

    @Test func packetsBeforeTheFirstGoNegative() {
        var unwrapper = SequenceNumberUnwrapper()
        #expect(unwrapper.unwrap(0) == 0)
        #expect(unwrapper.unwrap(65535) == -1)
        #expect(unwrapper.highest == 0)
    }

    @Test func manyWrapsStayMonotonic() {
        var unwrapper = SequenceNumberUnwrapper()
        var generator = SeededGenerator(seed: 16)
        var sequence: UInt16 = 40_000
        var previous = unwrapper.unwrap(sequence)
        for _ in 0..<200_000 {
            sequence &+= UInt16.random(in: 1...3000, using: &generator)
            let value = unwrapper.unwrap(sequence)
            #expect(value > previous)
            #expect(UInt16(truncatingIfNeeded: value) == sequence)
            previous = value
            // A late packet somewhat behind maps below the highest without moving it.
            let late = unwrapper.unwrap(sequence &- 100)
            #expect(late == value - 100 && unwrapper.highest == value)
        }
    }
}

/// Which audio sequence numbers of one sender a silence-dropping forwarder may leave out: the
/// fifth and later packets of a silent run (`BenchStamp.droppableSilence`), as our bridge and
/// JVB drop them without renumbering. A receiver that counts from clear headers (`HeaderTally`)
/// asks here before it calls a gap in that sender's audio a loss.
final class SilenceLedger {
    /// One bit per sequence number, set while the packet last sent with it was droppable.
    private let bits = UnsafeMutablePointer<UInt64>.allocate(capacity: 1024)

    init() { bits.initialize(repeating: 0, count: 1024) }

    deinit { bits.deallocate() }

    func mark(_ sequence: UInt16, droppable: Bool) {
        let word = Int(sequence >> 6), bit = UInt64(1) << UInt64(sequence & 63)
        bits[word] = droppable ? bits[word] | bit : bits[word] & ~bit
    }

    func isDroppable(_ sequence: UInt16) -> Bool {
        bits[Int(sequence >> 6)] & UInt64(1) << UInt64(sequence & 63) != 0
    }
}

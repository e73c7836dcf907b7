/// What one SSRC has received: the highest packet index (RFC 3711 §3.3.1: ROC × 2^16 + SEQ) and
/// a window of the indices below it, so a replayed packet is refused (§3.3.2).
struct SRTPReplayWindow {
    /// Indices older than this many below the highest are refused as too old.
    static let size: UInt64 = 16 * 64  // the 16 words of `bits`
    private(set) var highest: UInt64?
    /// Inline, not an array: no heap object whose uniqueness every packet's update checks.
    private var bits = InlineArray<16, UInt64>(repeating: 0)

    /// The 48-bit index a 16-bit sequence number stands for, guessed from the highest one
    /// (RFC 3711 Appendix A): the roll-over counter that puts it nearest.
    func estimateIndex(sequenceNumber: UInt16) -> UInt64 {
        guard let highest else { return UInt64(sequenceNumber) }
        let roc = highest >> 16
        let highestSequence = UInt16(truncatingIfNeeded: highest)
        var guessed = roc
        if highestSequence < 0x8000 {
            if Int(sequenceNumber) - Int(highestSequence) > 0x8000, roc > 0 { guessed = roc - 1 }
        } else if Int(highestSequence) - 0x8000 > Int(sequenceNumber) {
            guessed = roc + 1
        }
        return guessed << 16 | UInt64(sequenceNumber)
    }

    /// Whether `index` may still be accepted: newer than the highest, or inside the window and
    /// not yet seen.
    func admits(_ index: UInt64) -> Bool {
        guard let highest, index <= highest else { return true }
        let age = highest - index
        guard age < Self.size else { return false }
        return bits[Int(age / 64)] & (1 << (age % 64)) == 0
    }

    /// Records an index sent. Outbound only the highest matters (it places the next estimate);
    /// re-sending an older index (an answer to a NACK) is allowed, so no window is kept.
    mutating func noteSent(_ index: UInt64) {
        if highest.map({ index > $0 }) ?? true { highest = index }
    }

    /// Records an authenticated index.
    mutating func accept(_ index: UInt64) {
        guard let current = highest else {
            highest = index
            bits[0] = 1
            return
        }
        if index > current {
            shift(by: index - current)
            highest = index
            bits[0] |= 1
        } else {
            let age = current - index
            if age < Self.size { bits[Int(age / 64)] |= 1 << (age % 64) }
        }
    }

    /// Moves the window up by `distance` (bit i stands for highest − i).
    private mutating func shift(by distance: UInt64) {
        guard distance < Self.size else {
            for word in bits.indices { bits[word] = 0 }
            return
        }
        let words = Int(distance / 64), offset = distance % 64
        for word in bits.indices.reversed() {
            let source = word - words
            var value: UInt64 = source >= 0 ? bits[source] << offset : 0
            if offset > 0, source - 1 >= 0 { value |= bits[source - 1] >> (64 - offset) }
            bits[word] = value
        }
    }
}

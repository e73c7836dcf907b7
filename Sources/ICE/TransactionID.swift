/// A STUN transaction ID as libnice keys it: the 16 bytes after the type and length (the magic
/// cookie plus the 96 random bits of RFC 5389), as two words so it compares without allocating.
struct TransactionID: Hashable {
    var high: UInt64
    var low: UInt64

    /// Reads the ID from a STUN header; the caller guarantees at least 20 bytes.
    init(header: UnsafeRawBufferPointer) {
        high = UInt64(bigEndian: header.loadUnaligned(fromByteOffset: 4, as: UInt64.self))
        low = UInt64(bigEndian: header.loadUnaligned(fromByteOffset: 12, as: UInt64.self))
    }

    /// Calls `body` with the 16 bytes in network order, as libnice's `StunTransactionId` wants.
    func withBytes<R>(_ body: (UnsafeMutablePointer<UInt8>) -> R) -> R {
        var words = (high.bigEndian, low.bigEndian)
        return withUnsafeMutableBytes(of: &words) { body($0.baseAddress!.assumingMemoryBound(to: UInt8.self)) }
    }
}

/// One RFC 8285 extension element located inside a packet.
public struct RTPHeaderExtensionElement: Sendable, Equatable {
    /// The local identifier negotiated with `a=extmap` (1–14 one-byte, 1–255 two-byte).
    public var id: UInt8
    /// Offset of the element's data from the start of the packet.
    public var offset: Int
    /// Bytes of data (1–16 one-byte, 0–255 two-byte).
    public var length: Int

    /// Creates an element location.
    @inlinable public init(id: UInt8, offset: Int, length: Int) {
        self.id = id
        self.offset = offset
        self.length = length
    }
}

/// Fixed-size slots of datagram bytes and, per slot, its length and its destination: the memory
/// of a transmit queue, allocated once by `init` and freed only by `deallocate`.
public struct DatagramSlots {
    /// Bytes per slot: a full Ethernet MTU plus room for SRTP/SRTCP trailers.
    public static let slotSize = 2048

    /// Number of slots.
    public let count: Int
    @usableFromInline let storage: UnsafeMutableRawPointer
    @usableFromInline let lengths: UnsafeMutablePointer<Int>
    @usableFromInline let destinations: UnsafeMutablePointer<PeerAddress>

    public init(count: Int) {
        precondition(count > 0)
        self.count = count
        storage = UnsafeMutableRawPointer.allocate(byteCount: count * Self.slotSize, alignment: 64)
        lengths = .allocate(capacity: count)
        lengths.initialize(repeating: 0, count: count)
        destinations = .allocate(capacity: count)
        destinations.initialize(repeating: PeerAddress(ipv4: 0, port: 0), count: count)
    }

    /// Frees the memory. The slots must not be used after.
    public func deallocate() {
        storage.deallocate()
        lengths.deallocate()
        destinations.deallocate()
    }

    /// The start of slot `index`.
    @inlinable public func start(_ index: Int) -> UnsafeMutableRawPointer { storage + index * Self.slotSize }
    /// The whole of slot `index`, for writing a datagram into.
    @inlinable public func room(_ index: Int) -> UnsafeMutableRawBufferPointer {
        UnsafeMutableRawBufferPointer(start: start(index), count: Self.slotSize)
    }
    @inlinable public func length(_ index: Int) -> Int { lengths[index] }
    @inlinable public func destination(_ index: Int) -> PeerAddress { destinations[index] }

    /// Records slot `index`'s datagram: `length` bytes to `destination`.
    @inlinable public func commit(_ index: Int, length: Int, to destination: PeerAddress) {
        lengths[index] = length
        destinations[index] = destination
    }

    /// Copies slot `index` (bytes, length and destination) into slot `into`.
    @inlinable public func copy(_ index: Int, into slot: Int) {
        let length = lengths[index]
        start(slot).copyMemory(from: start(index), byteCount: length)
        commit(slot, length: length, to: destinations[index])
    }
}

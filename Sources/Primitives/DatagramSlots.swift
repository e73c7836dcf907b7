/// Fixed-size slots of datagram bytes and, per slot, its length, its destination and the sealer
/// that still has to run on it: the memory of the transmit queue and of a media lane's ring,
/// allocated once by `init` and freed only by `deallocate`.
public struct DatagramSlots {
    /// Bytes per slot: a full Ethernet MTU plus room for SRTP/SRTCP trailers.
    public static let slotSize = 2048

    /// Number of slots.
    public let count: Int
    @usableFromInline let storage: UnsafeMutableRawPointer
    @usableFromInline let lengths: UnsafeMutablePointer<Int>
    @usableFromInline let destinations: UnsafeMutablePointer<PeerAddress>
    @usableFromInline let sealers: UnsafeMutablePointer<(any PacketSealer)?>
    @usableFromInline let kinds: UnsafeMutablePointer<SealedPacketKind>

    public init(count: Int) {
        precondition(count > 0)
        self.count = count
        storage = UnsafeMutableRawPointer.allocate(byteCount: count * Self.slotSize, alignment: 64)
        lengths = .allocate(capacity: count)
        lengths.initialize(repeating: 0, count: count)
        destinations = .allocate(capacity: count)
        destinations.initialize(repeating: PeerAddress(ipv4: 0, port: 0), count: count)
        sealers = .allocate(capacity: count)
        sealers.initialize(repeating: nil, count: count)
        kinds = .allocate(capacity: count)
        kinds.initialize(repeating: .rtp, count: count)
    }

    /// Frees the memory (releasing any sealer still held). The slots must not be used after.
    public func deallocate() {
        storage.deallocate()
        lengths.deallocate()
        destinations.deallocate()
        sealers.deinitialize(count: count)
        sealers.deallocate()
        kinds.deallocate()
    }

    /// The start of slot `index`.
    @inlinable public func start(_ index: Int) -> UnsafeMutableRawPointer { storage + index * Self.slotSize }
    /// The whole of slot `index`, for writing a datagram into.
    @inlinable public func room(_ index: Int) -> UnsafeMutableRawBufferPointer {
        UnsafeMutableRawBufferPointer(start: start(index), count: Self.slotSize)
    }
    @inlinable public func length(_ index: Int) -> Int { lengths[index] }
    @inlinable public func destination(_ index: Int) -> PeerAddress { destinations[index] }
    @inlinable public func sealer(_ index: Int) -> (any PacketSealer)? { sealers[index] }
    @inlinable public func kind(_ index: Int) -> SealedPacketKind { kinds[index] }

    /// Records slot `index`'s datagram: `length` bytes to `destination`.
    @inlinable public func commit(_ index: Int, length: Int, to destination: PeerAddress) {
        lengths[index] = length
        destinations[index] = destination
    }

    /// Leaves slot `index` for `sealer` to seal as `kind` (nil: nothing left to do).
    @inlinable public func setSealer(_ index: Int, _ sealer: (any PacketSealer)?, as kind: SealedPacketKind = .rtp) {
        sealers[index] = sealer
        kinds[index] = kind
    }

    /// Hands slot `index`'s sealer over to the caller and clears the slot's reference.
    @inlinable public func takeSealer(_ index: Int) -> (any PacketSealer)? {
        let sealer = sealers[index]
        sealers[index] = nil
        return sealer
    }

    /// Copies slot `index` of `other` (bytes, length, destination, sealer and kind) into slot `into`.
    @inlinable public func copy(_ index: Int, of other: DatagramSlots, into slot: Int) {
        let length = other.lengths[index]
        start(slot).copyMemory(from: other.start(index), byteCount: length)
        commit(slot, length: length, to: other.destinations[index])
        setSealer(slot, other.sealers[index], as: other.kinds[index])
    }
}

/// A fixed-capacity batch of outgoing datagrams that protocol cores write into directly.
///
/// The memory is allocated once. A core asks for the next free slot, writes a datagram into it
/// and commits its length and destination; the shell later hands the whole batch to `sendmmsg`.
/// Nothing here allocates per packet. When the queue is full, `flushHandler` (set by the shell)
/// is asked to send what is queued so writing can go on; without one, extra datagrams are dropped
/// and counted in `overflowDrops`.
///
/// A datagram appended with a `PacketSealer` is sealed (SRTP-protected) as it is committed.
public final class TransmitQueue {
    /// Bytes per slot: a full Ethernet MTU plus room for SRTP/SRTCP trailers.
    public static let slotSize = DatagramSlots.slotSize

    /// How many datagrams fit before a flush.
    public let capacity: Int
    /// How many datagrams are queued.
    @inlinable public var count: Int { queued }
    @usableFromInline var queued = 0
    /// Datagrams dropped because the queue was full and nobody flushed it.
    public var overflowDrops: UInt64 { dropped }
    @usableFromInline var dropped: UInt64 = 0
    /// Called when the queue is full; it must send the queued datagrams and call `removeAll()`.
    public var flushHandler: ((TransmitQueue) -> Void)?

    /// The queue's memory; slot `i` holds queued datagram `i`.
    public let slots: DatagramSlots
    /// Datagrams dropped because their sealer failed.
    public var sealFailures: UInt64 { failedSeals }
    @usableFromInline var failedSeals: UInt64 = 0

    /// Creates a queue of `capacity` slots of `slotSize` bytes.
    public init(capacity: Int = 1024) {
        precondition(capacity > 0)
        self.capacity = capacity
        slots = DatagramSlots(count: capacity)
    }

    deinit { slots.deallocate() }

    /// Lets `fill` write one datagram into the next free slot; it returns the length written,
    /// or 0 to abandon the slot. Returns false if no slot could be had.
    @discardableResult
    @inlinable public func append(to destination: PeerAddress, _ fill: (UnsafeMutableRawBufferPointer) -> Int) -> Bool {
        if count == capacity { flushHandler?(self) }
        guard count < capacity else {
            dropped &+= 1
            return false
        }
        let length = fill(slots.room(queued))
        guard length > 0, length <= Self.slotSize else { return length == 0 }
        slots.commit(queued, length: length, to: destination)
        queued += 1
        return true
    }

    /// Lets `fill` write one datagram in the clear into the next free slot (it returns the length,
    /// or 0 to abandon the slot) and has `sealer` seal it there. Returns the sealed length, or 0 if
    /// nothing was queued. `fill` must leave room for the sealer's trailer.
    @inlinable public func append(
        to destination: PeerAddress, sealedBy sealer: some PacketSealer, as kind: SealedPacketKind,
        _ fill: (UnsafeMutableRawBufferPointer) -> Int
    ) -> Int {
        var sealed = 0
        append(to: destination) { slot in
            let length = fill(slot)
            guard length > 0, let base = slot.baseAddress else { return 0 }
            sealed = sealer.seal(base, length: length, capacity: slot.count, as: kind)
            if sealed == 0 { failedSeals &+= 1 }
            return sealed
        }
        return sealed
    }

    /// Copies `bytes` into the next free slot.
    @discardableResult
    @inlinable public func append(copying bytes: UnsafeRawBufferPointer, to destination: PeerAddress) -> Bool {
        guard bytes.count <= Self.slotSize else { return false }
        return append(to: destination) { slot in
            if let base = bytes.baseAddress, bytes.count > 0 {
                slot.baseAddress!.copyMemory(from: base, byteCount: bytes.count)
            }
            return bytes.count
        }
    }

    /// The bytes of queued datagram `index`.
    @inlinable public func datagram(_ index: Int) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: slots.start(index), count: slots.length(index))
    }

    /// The start of slot `index`, for the shell's iovecs.
    @inlinable public func slotStart(_ index: Int) -> UnsafeMutableRawPointer { slots.start(index) }

    /// The length of queued datagram `index`.
    @inlinable public func length(_ index: Int) -> Int { slots.length(index) }

    /// The destination of queued datagram `index`.
    @inlinable public func destination(_ index: Int) -> PeerAddress { slots.destination(index) }

    /// Forgets every queued datagram (after the shell sent them).
    @inlinable public func removeAll() {
        queued = 0
    }

    /// Forgets the first `sent` datagrams and moves the rest to the front (after a partial send).
    public func removeFirst(_ sent: Int) {
        guard sent > 0 else { return }
        guard sent < count else { removeAll(); return }
        let rest = count - sent
        for i in 0..<rest { slots.copy(i + sent, into: i) }
        queued = rest
    }
}

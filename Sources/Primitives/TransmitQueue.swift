/// A fixed-capacity batch of outgoing datagrams that protocol cores write into directly.
///
/// The memory is allocated once. A core asks for the next free slot, writes a datagram into it
/// and commits its length and destination; the shell later hands the whole batch to `sendmmsg`.
/// Nothing here allocates per packet. When the queue is full, `flushHandler` (set by the shell)
/// is asked to send what is queued so writing can go on; without one, extra datagrams are dropped
/// and counted in `overflowDrops`.
public final class TransmitQueue {
    /// Bytes per slot: a full Ethernet MTU plus room for SRTP/SRTCP trailers.
    public static let slotSize = 2048

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

    @usableFromInline let storage: UnsafeMutableRawPointer
    @usableFromInline let lengths: UnsafeMutablePointer<Int>
    @usableFromInline let destinations: UnsafeMutablePointer<PeerAddress>

    /// Creates a queue of `capacity` slots of `slotSize` bytes.
    public init(capacity: Int = 1024) {
        precondition(capacity > 0)
        self.capacity = capacity
        storage = UnsafeMutableRawPointer.allocate(byteCount: capacity * Self.slotSize, alignment: 16)
        lengths = .allocate(capacity: capacity)
        lengths.initialize(repeating: 0, count: capacity)
        destinations = .allocate(capacity: capacity)
        destinations.initialize(repeating: PeerAddress(ipv4: 0, port: 0), count: capacity)
    }

    deinit {
        storage.deallocate()
        lengths.deallocate()
        destinations.deallocate()
    }

    /// Lets `fill` write one datagram into the next free slot; it returns the length written,
    /// or 0 to abandon the slot. Returns false if no slot could be had.
    @discardableResult
    @inlinable public func append(to destination: PeerAddress, _ fill: (UnsafeMutableRawBufferPointer) -> Int) -> Bool {
        if count == capacity { flushHandler?(self) }
        guard count < capacity else {
            dropped &+= 1
            return false
        }
        let slot = UnsafeMutableRawBufferPointer(start: storage + count * Self.slotSize, count: Self.slotSize)
        let length = fill(slot)
        guard length > 0, length <= Self.slotSize else { return length == 0 }
        lengths[count] = length
        destinations[count] = destination
        queued += 1
        return true
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
        UnsafeRawBufferPointer(start: storage + index * Self.slotSize, count: lengths[index])
    }

    /// The start of slot `index`, for the shell's iovecs.
    @inlinable public func slotStart(_ index: Int) -> UnsafeMutableRawPointer { storage + index * Self.slotSize }

    /// The length of queued datagram `index`.
    @inlinable public func length(_ index: Int) -> Int { lengths[index] }

    /// The destination of queued datagram `index`.
    @inlinable public func destination(_ index: Int) -> PeerAddress { destinations[index] }

    /// Forgets every queued datagram (after the shell sent them).
    @inlinable public func removeAll() { queued = 0 }

    /// Forgets the first `sent` datagrams and moves the rest to the front (after a partial send).
    public func removeFirst(_ sent: Int) {
        guard sent > 0 else { return }
        guard sent < count else { queued = 0; return }
        let rest = count - sent
        for i in 0..<rest {
            (storage + i * Self.slotSize).copyMemory(from: storage + (i + sent) * Self.slotSize, byteCount: lengths[i + sent])
            lengths[i] = lengths[i + sent]
            destinations[i] = destinations[i + sent]
        }
        queued = rest
    }
}

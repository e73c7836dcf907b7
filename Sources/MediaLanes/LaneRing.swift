import Primitives
import Synchronization

/// A single-producer, single-consumer ring of datagram slots: the receiving thread copies a
/// receiver's datagrams in (still to be sealed), the receiver's lane thread seals and sends them
/// in the same order.
///
/// Lock-free: the producer publishes with a release store of `tail`, the consumer frees slots
/// with a release store of `head`; each side caches the other's index and reloads it only when
/// the ring looks full or empty. All memory is allocated once.
///
/// A ring that cycled through all its slots would keep them all resident (4 MB a lane) after
/// any traffic. So a hand-over that finds the ring empty starts again at slot 0: it moves the
/// positions on to the next multiple of the capacity and says so in `restart`, which the
/// consumer (caught up, by then) jumps to. Only as many slots as the deepest backlog are touched.
final class LaneRing {
    /// Bytes per slot, as the transmit queue's.
    static let slotSize = TransmitQueue.slotSize

    let capacity: Int
    private let mask: Int
    private let slots: DatagramSlots

    /// Slots published by the producer (it only grows; slot = index & mask).
    let tail = Atomic<Int>(0)
    /// Slots the consumer has finished with.
    let head = Atomic<Int>(0)
    /// The position the producer restarted from at slot 0; the positions before it hold nothing.
    let restart = Atomic<Int>(0)

    // Producer side only.
    private var producerTail = 0
    private var producerSeenHead = 0
    /// The last restart position; the consumer's `head` may lag behind it until it jumps there.
    private var producerRestart = 0
    /// The highest slot ever written (what the ring holds resident), for tests.
    private(set) var highestSlotWritten = -1

    /// Creates a ring of `capacity` slots, rounded up to a power of two.
    init(capacity: Int) {
        var size = 1
        while size < max(capacity, 2) { size <<= 1 }
        self.capacity = size
        mask = size - 1
        slots = DatagramSlots(count: size)
    }

    deinit { slots.deallocate() }

    // MARK: producer

    /// Starts a hand-over: if the consumer has taken everything, the next datagram goes to slot 0.
    func beginHandOver() {
        guard producerTail & mask != 0 else { return }
        producerSeenHead = head.load(ordering: .acquiring)
        guard producerSeenHead == producerTail else { return }
        producerTail = (producerTail | mask) + 1
        producerSeenHead = producerTail
        producerRestart = producerTail
        // Ordered before the tail that publishes the first datagram past it (`publish`).
        restart.store(producerTail, ordering: .relaxed)
    }

    /// Copies queued datagram `index` (and its sealer) into the next slot; false when full.
    /// Not visible to the consumer before `publish()`.
    func push(from queue: TransmitQueue, index: Int) -> Bool {
        if producerTail - producerSeenHead >= capacity {
            producerSeenHead = max(head.load(ordering: .acquiring), producerRestart)
            guard producerTail - producerSeenHead < capacity else { return false }
        }
        let slot = producerTail & mask
        slots.copy(index, of: queue.slots, into: slot)
        highestSlotWritten = max(highestSlotWritten, slot)
        producerTail += 1
        return true
    }

    /// Makes every pushed datagram visible to the consumer. Sequentially consistent, so that a
    /// lane going to sleep either sees the new tail or is seen sleeping (`MediaLane.wake`).
    func publish() {
        tail.store(producerTail, ordering: .sequentiallyConsistent)
    }

    // MARK: consumer

    /// How many published datagrams the consumer at `position` may take, given the `tail` it
    /// loaded (acquiring); moves `position` past a restart the producer made while the ring was
    /// empty. The restart can show before the tail that publishes datagrams past it (the producer
    /// stores it first): until that tail shows, nothing is available.
    @inline(__always) func available(tail: Int, position: inout Int) -> Int {
        let start = restart.load(ordering: .relaxed)
        if start > position { position = start }
        return max(0, tail - position)
    }

    /// The slot for ring position `position`.
    @inline(__always) func slot(_ position: Int) -> Int { position & mask }
    @inline(__always) func bytes(_ slot: Int) -> UnsafeMutableRawPointer { slots.start(slot) }
    @inline(__always) func length(_ slot: Int) -> Int { slots.length(slot) }
    @inline(__always) func destination(_ slot: Int) -> PeerAddress { slots.destination(slot) }
    @inline(__always) func kind(_ slot: Int) -> SealedPacketKind { slots.kind(slot) }

    /// Hands the slot's sealer over to the consumer and clears the slot's reference.
    @inline(__always) func takeSealer(_ slot: Int) -> (any PacketSealer)? { slots.takeSealer(slot) }

    /// Published datagrams the consumer has not finished, from any thread. The positions a
    /// restart skipped hold nothing, so they count as done even before the consumer jumps them.
    var backlog: Int {
        let done = max(head.load(ordering: .relaxed), restart.load(ordering: .relaxed))
        return max(0, tail.load(ordering: .relaxed) - done)
    }

    /// Gives positions up to `position` back to the producer.
    func release(upTo position: Int) {
        head.store(position, ordering: .releasing)
    }
}

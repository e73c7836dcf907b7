// The per-receiver history the bridge answers NACKs from (colibri2.md §5.3, style.md B3: "keep it
// in a preallocated per-receiver history ring"). Packets are stored by sequence number modulo the
// capacity, so a newer packet evicts the one `capacity` numbers older; lookups check the stored
// sequence number and age, so a stale or overwritten slot is simply a miss.

public import Primitives

/// A fixed-capacity ring of recently sent RTP packets, keyed by sequence number.
///
/// Memory is allocated once in `init`; inserting and looking up never allocate. It is a value
/// type backed by arrays: keep exactly one copy (in the receiver's state) so mutation stays in
/// place; copying the struct and mutating the copy would duplicate the whole ring.
public struct RTPPacketCache: Sendable {
    struct Slot: Sendable {
        var sequenceNumber: UInt16 = 0
        var length = 0
        var inserted = Instant.zero
    }

    /// Number of slots.
    public let capacity: Int
    /// Largest packet a slot holds.
    public let slotSize: Int
    /// Entries older than this are treated as gone.
    public let maxAgeNanoseconds: UInt64
    var storage: [UInt8]
    var slots: [Slot]

    /// Creates a cache of `capacity` slots (a power of two keeps eviction exactly FIFO across the
    /// 16-bit wrap) of `slotSize` bytes, holding packets for at most `maxAgeMilliseconds`.
    public init(capacity: Int = 512, slotSize: Int = 1500, maxAgeMilliseconds: UInt64 = 1000) {
        self.capacity = Swift.max(1, capacity)
        self.slotSize = Swift.max(12, slotSize)
        maxAgeNanoseconds = maxAgeMilliseconds &* 1_000_000
        storage = [UInt8](repeating: 0, count: self.capacity * self.slotSize)
        slots = [Slot](repeating: Slot(), count: self.capacity)
    }

    @inline(__always)
    func slotIndex(_ sequenceNumber: UInt16) -> Int { Int(sequenceNumber) % capacity }

    /// Copies `packet` into the slot for `sequenceNumber`, evicting what was there.
    /// Returns false (and stores nothing) if the packet is empty or larger than a slot.
    @discardableResult
    public mutating func insert(_ packet: UnsafeRawBufferPointer, sequenceNumber: UInt16, now: Instant) -> Bool {
        guard packet.count > 0, packet.count <= slotSize, let source = packet.baseAddress else { return false }
        let index = slotIndex(sequenceNumber)
        let start = index &* slotSize
        storage.withUnsafeMutableBytes { bytes in
            bytes.baseAddress.map { ($0 + start).copyMemory(from: source, byteCount: packet.count) }
        }
        slots[index] = Slot(sequenceNumber: sequenceNumber, length: packet.count, inserted: now)
        return true
    }

    /// Calls `body` with the cached bytes of `sequenceNumber` if it is still there and no older
    /// than the age limit at `now`; returns its result, or nil on a miss.
    public func withPacket<Result>(
        sequenceNumber: UInt16, now: Instant, _ body: (UnsafeRawBufferPointer) -> Result
    ) -> Result? {
        let index = slotIndex(sequenceNumber)
        let slot = slots[index]
        guard slot.length > 0, slot.sequenceNumber == sequenceNumber,
              now.nanoseconds(since: slot.inserted) <= maxAgeNanoseconds else { return nil }
        let start = index &* slotSize
        return storage.withUnsafeBytes { bytes in
            body(UnsafeRawBufferPointer(rebasing: bytes[start ..< start &+ slot.length]))
        }
    }

    /// Whether `sequenceNumber` is cached and fresh at `now`.
    public func contains(sequenceNumber: UInt16, now: Instant) -> Bool {
        withPacket(sequenceNumber: sequenceNumber, now: now) { _ in true } ?? false
    }

    /// Forgets every packet (for example after an SSRC change); keeps the memory.
    public mutating func removeAll() {
        for index in slots.indices { slots[index].length = 0 }
    }
}

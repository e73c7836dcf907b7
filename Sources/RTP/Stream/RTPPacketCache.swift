// The history the bridge answers NACKs from (colibri2.md §5.3). JVB keeps about a second of each
// video stream; a fixed ring of full-size slots per SSRC (512 × 1500 bytes) held 768 KB for a
// 150 kbit/s layer that fills a twentieth of it. Here packets are packed end to end in a byte
// arena sized from the stream's own bitrate, and an index by sequence number finds them.

public import Primitives

/// Recently forwarded RTP packets of one SSRC, keyed by sequence number, holding about
/// `maxAge` of the stream.
///
/// Packets are written one after another into a byte arena (a packet that would cross its end
/// starts again at the front); a lookup checks the index entry's sequence number and age and
/// that its bytes have not been written over since. About once a second the arena's size is
/// compared with what `maxAge` of the measured bitrate needs: it grows when too small and
/// shrinks when half again too big. It starts small and grows (to the headroom over them)
/// whenever the bytes of the current, under a second old window would no longer fit: a
/// stream's first second holds its first key frame (100–200 KB at 720p) before any rate is
/// known, and a low layer never needs more than the minimum. Sizes are whole granules, not
/// powers of two: rounding a second of a 1.8 Mbit/s layer with its headroom (281 KB) up to
/// 512 KB nearly doubled a sender's memory. The index by sequence number follows the rate too:
/// it starts at 64 numbers and doubles, up to `indexSize`, whenever a packet would evict one
/// younger than `maxAge` (a 180p layer keeps 64, 2 KB; 720p about 256). Only a resize of either
/// allocates (a few times in a stream's life, most in its first second); inserting and looking
/// up do not.
///
/// A value type backed by arrays: keep exactly one copy (in the stream's state) so mutation
/// stays in place; copying the struct and mutating the copy would duplicate the arena.
public struct RTPPacketCache: Sendable {
    struct Entry: Sendable {
        var sequenceNumber: UInt16 = 0
        var length = 0
        /// Where the packet starts, counted in bytes ever written (the arena offset is this
        /// modulo the arena's size), so "overwritten since" is one subtraction.
        var position: UInt64 = 0
        var inserted = Instant.zero
    }

    /// Sequence numbers indexed at most: a newer packet evicts the one this many numbers older
    /// once the index has grown to it.
    public let indexSize: Int
    /// Largest packet stored.
    public let maxPacketSize: Int
    /// Entries older than this are treated as gone.
    public let maxAgeNanoseconds: UInt64
    /// Bounds of the arena's size.
    public let minimumBytes: Int
    public let maximumBytes: Int
    var entries: [Entry]
    var arena: [UInt8]
    /// Bytes ever written, including the unused tails skipped at the arena's end.
    var written: UInt64 = 0
    /// When the newest packet went in.
    var newestInsert = Instant.zero
    /// The bitrate measurement behind the next resize decision.
    var windowStart: Instant?
    var windowBytes = 0

    /// The arena's headroom over `maxAge` of the measured rate: a key frame's burst lands on top
    /// of the one-second average. Were a burst to exceed it, what it writes over is the oldest
    /// packets, the ones a NACK is least likely to ask for.
    static let headroom = 1.25
    /// Arena sizes are whole multiples of this, so a rate that wobbles does not resize it every
    /// second.
    static let granule = 16 << 10

    /// A cache indexing up to `indexSize` sequence numbers, from `initialIndexSize` (powers of two
    /// keep eviction exactly FIFO across the 16-bit wrap), holding packets up to `maxPacketSize`
    /// for at most `maxAgeMilliseconds`, in an arena of `minimumBytes`…`maximumBytes` that starts
    /// at `initialBytes`.
    public init(
        indexSize: Int = 512, initialIndexSize: Int = 64, maxPacketSize: Int = 1500, maxAgeMilliseconds: UInt64 = 1000,
        minimumBytes: Int = 32 << 10, initialBytes: Int = 32 << 10, maximumBytes: Int = 2 << 20
    ) {
        self.indexSize = Swift.max(1, indexSize)
        self.maxPacketSize = Swift.max(12, maxPacketSize)
        maxAgeNanoseconds = maxAgeMilliseconds &* 1_000_000
        self.minimumBytes = Swift.max(self.maxPacketSize, minimumBytes)
        self.maximumBytes = Swift.max(self.minimumBytes, maximumBytes)
        entries = [Entry](repeating: Entry(), count: Swift.min(Swift.max(1, initialIndexSize), self.indexSize))
        arena = [UInt8](repeating: 0, count: Swift.min(Swift.max(initialBytes, self.minimumBytes), self.maximumBytes))
    }

    /// Bytes held: the arena and the index.
    public var allocatedBytes: Int { arena.count + entries.count * MemoryLayout<Entry>.stride }

    @inline(__always)
    func entryIndex(_ sequenceNumber: UInt16) -> Int { Int(sequenceNumber) % entries.count }

    /// Copies `packet` in as `sequenceNumber`, evicting what the index held for it and the
    /// oldest bytes of the arena. Returns false (and stores nothing) if the packet is empty or
    /// larger than `maxPacketSize`.
    @discardableResult
    public mutating func insert(_ packet: UnsafeRawBufferPointer, sequenceNumber: UInt16, now: Instant) -> Bool {
        guard packet.count > 0, packet.count <= maxPacketSize, let source = packet.baseAddress else { return false }
        measure(packet.count, now: now)
        // Everything in the window is younger than a second: grow rather than write over it.
        if windowBytes > arena.count, arena.count < maximumBytes {
            resize(to: Self.arenaSize(bytes: Double(windowBytes) * Self.headroom, minimum: minimumBytes, maximum: maximumBytes))
        }
        let capacity = UInt64(arena.count)
        var position = written
        if position % capacity + UInt64(packet.count) > capacity { position += capacity - position % capacity }
        let offset = Int(position % capacity)
        arena.withUnsafeMutableBytes { bytes in
            bytes.baseAddress.map { ($0 + offset).copyMemory(from: source, byteCount: packet.count) }
        }
        written = position + UInt64(packet.count)
        newestInsert = now
        let evicted = entries[entryIndex(sequenceNumber)]
        if evicted.length > 0, evicted.sequenceNumber != sequenceNumber, entries.count < indexSize,
           now.nanoseconds(since: evicted.inserted) < maxAgeNanoseconds
        {
            growIndex()
        }
        entries[entryIndex(sequenceNumber)] = Entry(
            sequenceNumber: sequenceNumber, length: packet.count, position: position, inserted: now)
        return true
    }

    /// Calls `body` with the cached bytes of `sequenceNumber` if they are still there and no
    /// older than the age limit at `now`; returns its result, or nil on a miss.
    public func withPacket<Result>(
        sequenceNumber: UInt16, now: Instant, _ body: (UnsafeRawBufferPointer) -> Result
    ) -> Result? {
        let entry = entries[entryIndex(sequenceNumber)]
        guard entry.length > 0, entry.sequenceNumber == sequenceNumber, isIntact(entry),
              now.nanoseconds(since: entry.inserted) <= maxAgeNanoseconds else { return nil }
        let offset = Int(entry.position % UInt64(arena.count))
        return arena.withUnsafeBytes { bytes in
            body(UnsafeRawBufferPointer(rebasing: bytes[offset ..< offset &+ entry.length]))
        }
    }

    /// Whether `sequenceNumber` is cached and fresh at `now`.
    public func contains(sequenceNumber: UInt16, now: Instant) -> Bool {
        withPacket(sequenceNumber: sequenceNumber, now: now) { _ in true } ?? false
    }

    /// Whether nothing went in for longer than a packet is kept: every entry is past its age, and
    /// the memory answers no NACK any more.
    public func isStale(at now: Instant) -> Bool { now.nanoseconds(since: newestInsert) > maxAgeNanoseconds }

    /// Forgets every packet (for example after an SSRC change); keeps the memory.
    public mutating func removeAll() {
        for index in entries.indices { entries[index].length = 0 }
    }

    /// No write since the entry's has reached its bytes.
    @inline(__always)
    func isIntact(_ entry: Entry) -> Bool { written - entry.position <= UInt64(arena.count) }

    /// Adds a packet to the bitrate window; once a second, resizes the arena if it is off.
    @inline(__always)
    private mutating func measure(_ bytes: Int, now: Instant) {
        guard let start = windowStart else {
            windowStart = now
            windowBytes = bytes
            return
        }
        windowBytes &+= bytes
        let elapsed = now.nanoseconds(since: start)
        guard elapsed >= 1_000_000_000 else { return }
        let wanted = Self.arenaSize(
            bytesPerSecond: Double(windowBytes) * 1e9 / Double(elapsed), maxAgeNanoseconds: maxAgeNanoseconds,
            minimum: minimumBytes, maximum: maximumBytes)
        windowStart = now
        windowBytes = 0
        if wanted > arena.count || wanted * 3 <= arena.count * 2 { resize(to: wanted) }
    }

    /// `maxAge` of `bytesPerSecond` with headroom, in whole granules within the bounds.
    static func arenaSize(bytesPerSecond: Double, maxAgeNanoseconds: UInt64, minimum: Int, maximum: Int) -> Int {
        arenaSize(bytes: bytesPerSecond * Double(maxAgeNanoseconds) / 1e9 * headroom, minimum: minimum, maximum: maximum)
    }

    /// `bytes` rounded up to whole granules, within the bounds.
    static func arenaSize(bytes: Double, minimum: Int, maximum: Int) -> Int {
        guard bytes.isFinite, bytes > Double(minimum) else { return minimum }
        guard bytes < Double(maximum) else { return maximum }
        let granules = (Int(bytes.rounded(.up)) + granule - 1) / granule
        return Swift.min(Swift.max(granules * granule, minimum), maximum)
    }

    /// Doubles the index (at most to `indexSize`). Numbers distinct modulo the old size stay
    /// distinct modulo the new one, so every entry keeps its packet.
    private mutating func growIndex() {
        let old = entries
        entries = [Entry](repeating: Entry(), count: Swift.min(old.count &* 2, indexSize))
        for entry in old where entry.length > 0 { entries[entryIndex(entry.sequenceNumber)] = entry }
    }

    /// Moves the newest intact packets that fit into a new arena of `size` bytes, packed from
    /// its start; the index keeps pointing at them.
    private mutating func resize(to size: Int) {
        let kept = entries.indices
            .filter { entries[$0].length > 0 && isIntact(entries[$0]) }
            .sorted { entries[$0].position > entries[$1].position }
        var fresh = [UInt8](repeating: 0, count: size)
        var total = 0
        var moved: [Int] = []
        for index in kept {
            guard total + entries[index].length <= size else { break }
            total += entries[index].length
            moved.append(index)
        }
        var cursor = 0
        for index in moved.reversed() {
            let entry = entries[index]
            let offset = Int(entry.position % UInt64(arena.count))
            fresh.withUnsafeMutableBytes { destination in
                arena.withUnsafeBytes { source in
                    (destination.baseAddress! + cursor).copyMemory(from: source.baseAddress! + offset, byteCount: entry.length)
                }
            }
            entries[index].position = UInt64(cursor)
            cursor += entry.length
        }
        // Everything else goes, stale entries too: their positions would mean nothing in the
        // new arena.
        var keep = [Bool](repeating: false, count: entries.count)
        for index in moved { keep[index] = true }
        for index in entries.indices where !keep[index] { entries[index].length = 0 }
        arena = fresh
        written = UInt64(cursor)
    }
}

/// One receiver's SSRC slots for one media kind (SSRC rewriting, docs/colibri2.md §5.5; JVB's
/// `SsrcCache`): jicofo tells an ssrc-rewriting client no remote sources, so the bridge sends every
/// forwarded source on SSRCs of its own, at most `capacity` (JVB's `ssrc-limit`, 50) per kind, and
/// announces each (re)assignment in a `VideoSourcesMap`/`AudioSourcesMap`.
///
/// A slot's SSRCs are chosen once, when the slot is first needed, and kept: taking a slot over for
/// another source, or reusing a released one, re-announces known SSRCs, which the client handles by
/// moving the existing track rather than renegotiating a new one. When every slot is in use the
/// least recently used one is taken over. Recency is a use counter bumped by `assign` and `touch`,
/// so time never enters the table. Sources are named by an `Int` key the caller picks (the
/// conference's source key), so lookups hash a plain integer.
///
/// `slotIndex(for:)`, `touch` and `slotIndex(ssrc:)` allocate nothing (a dictionary lookup, a
/// scan of at most `capacity` slots), so they can run per packet; `assign` of a new source may mint
/// SSRCs and is meant for the first packet of an audio source or an allocation change.
public struct SSRCSlotTable: Sendable {
    /// What an `assign` did.
    public struct Assignment: Sendable, Equatable {
        /// The slot that carries the source.
        public let slotIndex: Int
        /// The slot's source changed: announce the slot's mapping and restart its outgoing stream
        /// (sequence, timestamp and codec continuity) at the next keyframe. False when the source
        /// already had this slot (only its recency was refreshed).
        public let isNewAssignment: Bool
        /// The slot's SSRCs were chosen just now, so nothing has been sent on them yet.
        public let isNewSlot: Bool
        /// The source that lost the slot because the table was full, if any. Nil also when a
        /// released slot was reused: its SSRCs were used before (`isNewSlot` is false) by a source
        /// that is gone.
        public let previousKey: Int?

        /// Creates an outcome (the table makes these; tests compare with them).
        public init(slotIndex: Int, isNewAssignment: Bool, isNewSlot: Bool, previousKey: Int?) {
            self.slotIndex = slotIndex
            self.isNewAssignment = isNewAssignment
            self.isNewSlot = isNewSlot
            self.previousKey = previousKey
        }
    }

    /// JVB's default `videobridge.ssrc-limit`, per media kind.
    public static var defaultCapacity: Int { 50 }

    /// The most slots the table will hold.
    public let capacity: Int
    /// Whether slots get an RTX SSRC besides the primary one (video).
    public let withRTX: Bool
    /// Slots in creation order; `index` equals the position. Grows up to `capacity`, never shrinks.
    private var slots: [SSRCSlot]
    /// The slot of each assigned source.
    private var indexByKey: [Int: Int]
    /// Bumped on every use; a slot's `lastUse` is the value when it was last used.
    private var useCounter: UInt64 = 0

    /// An empty table of up to `capacity` slots (at least 1), each with an RTX SSRC if `withRTX`.
    public init(capacity: Int = Self.defaultCapacity, withRTX: Bool) {
        self.capacity = Swift.max(1, capacity)
        self.withRTX = withRTX
        slots = []
        slots.reserveCapacity(self.capacity)
        indexByKey = [:]
        indexByKey.reserveCapacity(self.capacity)
    }

    /// Slots created so far (assigned or released), `0 ..< slotCount` being valid indices.
    public var slotCount: Int { slots.count }

    /// Sources that currently have a slot.
    public var assignedCount: Int { indexByKey.count }

    /// The slot at `index` (0 ..< `slotCount`).
    public func slot(at index: Int) -> SSRCSlot { slots[index] }

    /// The slot `key` has, without refreshing its recency.
    @inline(__always)
    public func slotIndex(for key: Int) -> Int? { indexByKey[key] }

    /// The slot `key` has, marked as just used; nil if it has none (then `assign` it).
    @inline(__always) @discardableResult
    public mutating func touch(_ key: Int) -> Int? {
        guard let index = indexByKey[key] else { return nil }
        touch(slotIndex: index)
        return index
    }

    /// Marks the slot at `index` as just used, so it is the last to be taken over.
    @inline(__always)
    public mutating func touch(slotIndex index: Int) {
        useCounter &+= 1
        slots[index].lastUse = useCounter
    }

    /// The slot one of whose SSRCs (primary or RTX) is `ssrc`: how a receiver's NACK, PLI or FIR
    /// names the slot, to be mapped back to the sender source it carries.
    public func slotIndex(ssrc: UInt32) -> Int? {
        for index in slots.indices where slots[index].owns(ssrc) { return index }
        return nil
    }

    /// Whether `ssrc` is one of the table's SSRCs.
    public func owns(ssrc: UInt32) -> Bool { slotIndex(ssrc: ssrc) != nil }

    /// Gives `key` a slot, or refreshes the one it has. A new source takes a released slot if there
    /// is one, else a new slot while fewer than `capacity` exist, else the least recently used slot.
    /// New SSRCs are random, nonzero, distinct from every SSRC in the table and from every SSRC for
    /// which `isSSRCInUse` says true (the conference's sender SSRCs, the receiver's other table).
    public mutating func assign<Generator: RandomNumberGenerator>(
        _ key: Int, using generator: inout Generator, isSSRCInUse: (UInt32) -> Bool = { _ in false }
    ) -> Assignment {
        if let index = touch(key) {
            return Assignment(slotIndex: index, isNewAssignment: false, isNewSlot: false, previousKey: nil)
        }
        let index: Int
        var evicted: Int?
        var isNewSlot = false
        if let released = leastRecentlyUsed(assigned: false) {
            index = released
        } else if slots.count < capacity {
            index = slots.count
            let primary = mintSSRC(using: &generator, avoiding: isSSRCInUse, and: 0)
            let rtx = withRTX ? mintSSRC(using: &generator, avoiding: isSSRCInUse, and: primary) : nil
            slots.append(SSRCSlot(index: index, primarySSRC: primary, rtxSSRC: rtx, key: nil, lastUse: 0))
            isNewSlot = true
        } else {
            // Full and nothing released: every slot is assigned, so this always finds one.
            index = leastRecentlyUsed(assigned: true) ?? 0
            evicted = slots[index].key
            if let evicted { indexByKey[evicted] = nil }
        }
        slots[index].key = key
        indexByKey[key] = index
        touch(slotIndex: index)
        return Assignment(slotIndex: index, isNewAssignment: true, isNewSlot: isNewSlot, previousKey: evicted)
    }

    /// Frees `key`'s slot (its source left), keeping the slot's SSRCs for the next source. Nothing
    /// is announced: the client keeps the stale mapping until the slot is reassigned (JVB sends
    /// additions and reassignments only). Returns the slot index, or nil if `key` had none.
    @discardableResult
    public mutating func release(_ key: Int) -> Int? {
        guard let index = indexByKey.removeValue(forKey: key) else { return nil }
        slots[index].key = nil
        return index
    }

    /// Frees the slot of every source `shouldRelease` picks (for example all of one endpoint's).
    public mutating func releaseAll(where shouldRelease: (Int) -> Bool) {
        for index in slots.indices {
            guard let key = slots[index].key, shouldRelease(key) else { continue }
            indexByKey[key] = nil
            slots[index].key = nil
        }
    }

    /// Every assigned slot in index order: what to announce when the bridge channel (re)connects.
    public var mappings: [SSRCSlot] { slots.filter { $0.key != nil } }

    /// The assigned (or released) slot used longest ago, lowest index on ties.
    private func leastRecentlyUsed(assigned: Bool) -> Int? {
        var best: Int?
        for index in slots.indices where (slots[index].key != nil) == assigned {
            if best.map({ slots[index].lastUse < slots[$0].lastUse }) ?? true { best = index }
        }
        return best
    }

    /// A random SSRC that is nonzero, not `other`, not in the table and not in use elsewhere.
    /// With 2^32 values and a few hundred taken, the loop almost always ends at the first draw.
    private func mintSSRC<Generator: RandomNumberGenerator>(
        using generator: inout Generator, avoiding isSSRCInUse: (UInt32) -> Bool, and other: UInt32
    ) -> UInt32 {
        while true {
            let candidate = UInt32.random(in: 1 ... .max, using: &generator)
            if candidate != other, !owns(ssrc: candidate), !isSSRCInUse(candidate) { return candidate }
        }
    }
}

/// What the bridge sent a receiver under each recent outgoing sequence number of one outgoing
/// stream, so a NACK for that number can be answered from the sender's packet cache and
/// rewritten exactly as it was the first time.
///
/// A ring indexed by the outgoing sequence number, sized by the stream's rate like the sender's
/// packet cache: a receiver holds one per video source it is sent, thumbnails included, so a
/// fixed 512 entries (16 KB) made memory grow with the size of the conference. It starts at 64
/// entries and doubles, up to 512, whenever a packet would overwrite one sent less than a second
/// of RTP time before it: the cache answers nothing older. A thumbnail layer (about 20 packets a
/// second) keeps 64, a 720p layer about 256. Only that growth allocates, a few times in a
/// stream's first second; recording and looking up do not.
struct ForwardedPacketHistory: Sendable {
    struct Entry: Sendable, Equatable {
        var outgoingSequence: UInt16
        var incomingSSRC: UInt32
        var incomingSequence: UInt16
        var outgoingTimestamp: UInt32
        var pictureID: UInt16
        var tl0PicIdx: UInt8
        var hasPictureIDs: Bool
        var hasTL0PicIdx: Bool
        /// The marker bit was set on the way out (see `OutgoingRewrite.setsMarker`).
        var setsMarker = false
        /// The dependency descriptor's outgoing frame_number and where it is (-1: no descriptor
        /// rewritten), for SVC packets; the cached packet has the forwarded layout.
        var frameNumber: UInt16 = 0
        var dependencyDescriptorOffset: Int16 = -1
        /// Where the cached packet's transport-wide sequence number is (-1: none): a resent
        /// packet is a new packet on the link and gets a new number.
        var transportSequenceOffset: Int16 = -1
        /// Where the cached packet's absolute send time is (-1: none): a resent packet is stamped
        /// with the time it is resent.
        var absSendTimeOffset: Int16 = -1
    }

    static let initialCapacity = 64
    static let maximumCapacity = 512
    /// One second of the 90 kHz video clock: what the ring must hold before it may overwrite.
    static let wantedSpan: UInt32 = 90_000
    private var entries: [Entry?]

    init() { entries = [Entry?](repeating: nil, count: Self.initialCapacity) }

    var capacity: Int { entries.count }

    @inline(__always)
    private func slot(_ outgoingSequence: UInt16) -> Int { Int(outgoingSequence) & (entries.count &- 1) }

    @inline(__always)
    mutating func record(_ entry: Entry) {
        let index = slot(entry.outgoingSequence)
        if let evicted = entries[index], evicted.outgoingSequence != entry.outgoingSequence,
           entry.outgoingTimestamp &- evicted.outgoingTimestamp < Self.wantedSpan, entries.count < Self.maximumCapacity
        {
            grow()
            entries[slot(entry.outgoingSequence)] = entry
            return
        }
        entries[index] = entry
    }

    /// The packet sent under `outgoingSequence`, if it is still in the ring.
    func lookup(_ outgoingSequence: UInt16) -> Entry? {
        guard let entry = entries[slot(outgoingSequence)], entry.outgoingSequence == outgoingSequence else { return nil }
        return entry
    }

    /// Doubles the ring. Entries distinct modulo the old size stay distinct modulo the new one,
    /// so each keeps its place by its own number.
    private mutating func grow() {
        let old = entries
        entries = [Entry?](repeating: nil, count: old.count &* 2)
        for case let entry? in old { entries[slot(entry.outgoingSequence)] = entry }
    }
}

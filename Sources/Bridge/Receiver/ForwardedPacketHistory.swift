/// What the bridge sent a receiver under each recent outgoing sequence number of one outgoing
/// stream, so a NACK for that number can be answered from the sender's packet cache and
/// rewritten exactly as it was the first time.
///
/// A fixed ring indexed by the outgoing sequence number (preallocated: recording allocates nothing).
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

    static let capacity = 512
    private var entries: [Entry?]

    init() { entries = [Entry?](repeating: nil, count: Self.capacity) }

    @inline(__always)
    mutating func record(_ entry: Entry) { entries[Int(entry.outgoingSequence) % Self.capacity] = entry }

    /// The packet sent under `outgoingSequence`, if it is still in the ring.
    func lookup(_ outgoingSequence: UInt16) -> Entry? {
        guard let entry = entries[Int(outgoingSequence) % Self.capacity], entry.outgoingSequence == outgoingSequence else { return nil }
        return entry
    }
}

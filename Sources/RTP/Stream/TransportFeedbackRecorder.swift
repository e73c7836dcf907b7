// The receive side of transport-wide congestion control (draft-holmer-rmcat-transport-wide-cc-
// extensions-01; JVB's TccGeneratorNode, libwebrtc's receive-side feedback generator): note when
// each packet with a transport-wide sequence number arrived, and every ~100 ms report them to the
// sender, whose bandwidth estimator needs the arrival times and the losses.

public import Primitives

/// Collects packet arrivals on one transport and turns them into transport-cc feedback packets.
///
/// Arrivals live in a fixed ring indexed by the unwrapped sequence number, allocated once, so
/// `record` costs a few stores per packet. A feedback covers the statuses from the first one not
/// yet reported (the window start) to the highest received: packets missing in between, including
/// ones missing before the first received, are reported as not received. After a feedback the
/// window starts past what it covered, except that a packet arriving later than the window start,
/// which an earlier feedback reported lost, moves the window back so the sender learns it arrived
/// after all (as libwebrtc and JVB do; packets between are reported again). Duplicates keep their
/// first arrival. A window larger than one feedback can carry (buffer size, or a gap between
/// arrivals beyond the ±8.19 s a delta can express) is split over several feedback packets, each
/// with the next feedback packet count.
///
/// Timing: call `makeFeedback` once `nextFeedbackAt` has passed, repeatedly until it returns nil.
public struct TransportFeedbackRecorder {
    /// Time between feedback packets, as JVB and libwebrtc's default.
    public static let defaultIntervalMilliseconds: Int64 = 100

    /// Statuses the ring can hold (a power of two, 16–8192); the span of one window.
    public let capacity: Int
    /// Time between feedback packets.
    public let intervalMilliseconds: Int64
    /// Counter the next feedback packet carries; increments (and wraps) with every packet.
    public private(set) var feedbackPacketCount: UInt8 = 0
    /// Packets seen again while their first arrival was still held (ignored).
    public private(set) var duplicatePackets = 0
    /// Packets so far behind the highest that the ring no longer covers them (ignored).
    public private(set) var latePackets = 0

    /// Unwrapped sequence number held by each ring slot; `Self.empty` when none.
    private var sequences: [Int64]
    /// Arrival time in nanoseconds of the packet in each ring slot.
    private var arrivals: [UInt64]
    private let mask: Int
    private var unwrapper = SequenceNumberUnwrapper()
    /// The first status not yet reported; meaningful once a packet was recorded.
    private var windowStart: Int64 = 0
    /// When the last feedback was made, or the first packet arrived.
    private var lastFeedbackAt: Instant?
    private static var empty: Int64 { Int64.min }

    /// A recorder whose ring holds `capacity` statuses (rounded up to a power of two, 16–8192).
    /// Every endpoint has one, so the default is what a sender needs rather than a worst case:
    /// feedback is due at once when half the ring waits, so 512 (8 KB) reports at least every
    /// 256 packets, 100 ms of 2,560 packets a second (a simulcast camera sends about 300), and
    /// a packet may arrive up to 512 numbers late.
    public init(capacity: Int = 512, intervalMilliseconds: Int64 = Self.defaultIntervalMilliseconds) {
        var size = 16
        while size < Swift.min(capacity, 8192) { size &<<= 1 }
        self.capacity = size
        self.intervalMilliseconds = Swift.max(1, intervalMilliseconds)
        mask = size &- 1
        sequences = Array(repeating: Self.empty, count: size)
        arrivals = Array(repeating: 0, count: size)
    }

    /// Records the arrival of the packet that carried `transportSequenceNumber`.
    public mutating func record(transportSequenceNumber: UInt16, arrival: Instant) {
        let isFirst = unwrapper.highest == nil
        let sequence = unwrapper.unwrap(transportSequenceNumber)
        let highest = unwrapper.highest ?? sequence
        if isFirst {
            windowStart = sequence
            lastFeedbackAt = arrival
        }
        // A slot must not be reused for a packet older than the one it may now hold.
        guard sequence > highest &- Int64(capacity) else {
            latePackets &+= 1
            return
        }
        let slot = Int(truncatingIfNeeded: sequence) & mask
        guard sequences[slot] != sequence else {
            duplicatePackets &+= 1
            return
        }
        sequences[slot] = sequence
        arrivals[slot] = arrival.nanoseconds
        if sequence < windowStart { windowStart = sequence }
        // After a jump forward the window may not reach back past what the ring still holds.
        let oldestHeld = highest &- Int64(capacity) &+ 1
        if windowStart < oldestHeld { windowStart = oldestHeld }
    }

    /// Statuses waiting to be reported (received or not).
    public var pendingStatusCount: Int {
        guard let highest = unwrapper.highest, highest >= windowStart else { return 0 }
        return Int(highest &- windowStart &+ 1)
    }

    /// When the next feedback is due: one interval after the previous one (or after the first
    /// packet), or at once when half the ring is waiting; nil while nothing is waiting.
    public var nextFeedbackAt: Instant? {
        let pending = pendingStatusCount
        guard pending > 0, let lastFeedbackAt else { return nil }
        if pending >= capacity / 2 { return lastFeedbackAt }
        return lastFeedbackAt.adding(milliseconds: intervalMilliseconds)
    }

    /// Writes the next feedback packet for the waiting statuses into `buffer` and returns its
    /// length, or nil when nothing is waiting. Call again until nil: each call covers as much as
    /// fits `buffer` and one feedback's delta range. Throws `.bufferTooSmall` if `buffer` cannot
    /// hold a feedback for even one packet (32 bytes always can).
    public mutating func makeFeedback(
        now: Instant, senderSSRC: UInt32, mediaSSRC: UInt32, into buffer: UnsafeMutableRawBufferPointer
    ) throws(RTPBuildError) -> Int? {
        guard let highest = unwrapper.highest, windowStart <= highest else { return nil }
        var first = windowStart
        while first <= highest, !isReceived(first) { first &+= 1 }
        // The highest is always held, so this only guards against a broken invariant.
        guard first <= highest else {
            windowStart = highest &+ 1
            return nil
        }
        let leading = Int(first &- windowStart)
        // Room for the run-length chunk that reports the leading losses, with its padding.
        let reserve = leading > 0 ? 4 : 0
        guard buffer.count >= 28 &+ reserve else { throw .bufferTooSmall }
        let limited = UnsafeMutableRawBufferPointer(rebasing: buffer[0 ..< buffer.count &- reserve])
        let packets = ReceivedPackets(sequences: sequences, arrivals: arrivals, mask: mask, startIndex: first, endIndex: highest &+ 1)

        // Optimistic first (1-bit vectors and 1-byte deltas need about 8 bytes per 7 packets),
        // halving when the greedy chunking needed more.
        var maxPackets = Swift.max(1, (limited.count &- 20) &* 7 / 8)
        var written: (length: Int, consumed: Int)?
        while written == nil {
            do throws(RTPBuildError) {
                written = try RTCPTransportCC.write(
                    senderSSRC: senderSSRC, mediaSSRC: mediaSSRC, feedbackPacketCount: feedbackPacketCount,
                    packets: packets, maxPackets: maxPackets, into: limited)
            } catch .bufferTooSmall where maxPackets > 1 {
                maxPackets /= 2
            }
        }
        var length = written?.length ?? 0
        let statusCount = Int(UnsafeRawBufferPointer(buffer).readUInt16(14))
        if leading > 0 {
            length = Self.prependNotReceived(leading, toFeedbackOfLength: length, in: buffer)
        }
        windowStart = first &+ Int64(statusCount)
        feedbackPacketCount &+= 1
        lastFeedbackAt = now
        return length
    }

    /// Whether the packet with unwrapped number `sequence` is held.
    @inline(__always)
    private func isReceived(_ sequence: Int64) -> Bool {
        sequences[Int(truncatingIfNeeded: sequence) & mask] == sequence
    }

    /// Widens a feedback the builder wrote (whose base is its first received packet) to start
    /// `count` statuses earlier, reporting those as not received with one run-length chunk in front
    /// of the others. `count` is at most 8191, the longest run (the ring is never larger), and the
    /// caller kept 4 bytes free past the builder's output. Returns the new length.
    private static func prependNotReceived(
        _ count: Int, toFeedbackOfLength length: Int, in buffer: UnsafeMutableRawBufferPointer
    ) -> Int {
        let padding = buffer[0] & 0x20 != 0 ? Int(buffer[length &- 1]) : 0
        let unpadded = length &- padding
        buffer.moveBytes(from: 20, to: 22, count: unpadded &- 20)
        buffer.writeUInt16(UInt16(truncatingIfNeeded: count) & 0x1FFF, at: 20)
        let view = UnsafeRawBufferPointer(buffer)
        buffer.writeUInt16(view.readUInt16(12) &- UInt16(truncatingIfNeeded: count), at: 12)
        buffer.writeUInt16(view.readUInt16(14) &+ UInt16(truncatingIfNeeded: count), at: 14)
        let newUnpadded = unpadded &+ 2
        let newLength = (newUnpadded &+ 3) & ~3
        buffer[0] &= ~0x20
        if newLength > newUnpadded {
            buffer.zero(newUnpadded, count: newLength &- newUnpadded)
            buffer.writeUInt8(UInt8(newLength &- newUnpadded), at: newLength &- 1)
            buffer[0] |= 0x20
        }
        buffer.writeUInt16(UInt16(newLength / 4 &- 1), at: 2)
        return newLength
    }

    /// The held packets from `startIndex` (held) to `endIndex` (one past the highest), in sequence
    /// order, as the builder's input. Shares the ring's storage; skipping happens in `index(after:)`.
    struct ReceivedPackets: Collection {
        let sequences: [Int64]
        let arrivals: [UInt64]
        let mask: Int
        let startIndex: Int64
        let endIndex: Int64

        subscript(position: Int64) -> RTCPTransportCC.Arrival {
            let slot = Int(truncatingIfNeeded: position) & mask
            return RTCPTransportCC.Arrival(
                sequenceNumber: UInt16(truncatingIfNeeded: position), arrival: Instant(nanoseconds: arrivals[slot]))
        }

        func index(after position: Int64) -> Int64 {
            var next = position &+ 1
            while next < endIndex, sequences[Int(truncatingIfNeeded: next) & mask] != next { next &+= 1 }
            return next
        }
    }
}

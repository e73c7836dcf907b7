import Primitives

/// A simulated bottleneck: a drop-tail FIFO served at `capacityBitsPerSecond`, then a fixed
/// one-way delay, with optional random loss before the queue. Cross traffic shares the queue but
/// is never reported to the estimator, as another flow on the receiver's access link would be.
struct BottleneckLink {
    struct Packet {
        /// The bridge's transport-wide sequence number; nil for cross traffic.
        var sequenceNumber: UInt16?
        var size: Int
        var enqueued: Instant
    }

    var capacityBitsPerSecond: Double
    var baseDelayMilliseconds: Int64
    var lossProbability: Double
    var queueLimitBytes: Int
    private var queue: [Packet] = []
    private var head = 0
    private var queuedBytes = 0
    private var linkFreeAt = Instant.zero
    private var random: SplitMix64
    private(set) var droppedByQueue = 0

    init(capacityBitsPerSecond: Double, baseDelayMilliseconds: Int64 = 25, lossProbability: Double = 0,
         queueLimitBytes: Int = 64_000, seed: UInt64 = 42) {
        self.capacityBitsPerSecond = capacityBitsPerSecond
        self.baseDelayMilliseconds = baseDelayMilliseconds
        self.lossProbability = lossProbability
        self.queueLimitBytes = queueLimitBytes
        random = SplitMix64(seed: seed)
    }

    /// Offers a packet to the link; it may be lost at random or dropped by a full queue.
    mutating func enqueue(_ packet: Packet) {
        if lossProbability > 0, Double.random(in: 0..<1, using: &random) < lossProbability { return }
        guard queuedBytes + packet.size <= queueLimitBytes else {
            droppedByQueue += 1
            return
        }
        queue.append(packet)
        queuedBytes += packet.size
    }

    /// Serves the queue up to `now` and returns the media packets that reach the receiver, with
    /// arrival times at transport-cc's 250 µs resolution.
    mutating func serve(until now: Instant) -> [(sequenceNumber: UInt16, size: Int, arrival: Instant)] {
        var delivered: [(sequenceNumber: UInt16, size: Int, arrival: Instant)] = []
        while head < queue.count {
            let packet = queue[head]
            let start = max(linkFreeAt, packet.enqueued)
            let transmission = UInt64(Double(packet.size * 8) / capacityBitsPerSecond * 1e9)
            let departure = start.adding(nanoseconds: transmission)
            guard departure <= now else { break }
            linkFreeAt = departure
            head += 1
            queuedBytes -= packet.size
            if let sequenceNumber = packet.sequenceNumber {
                let arrival = departure.adding(milliseconds: baseDelayMilliseconds)
                let quantized = Instant(nanoseconds: arrival.nanoseconds / 250_000 * 250_000)
                delivered.append((sequenceNumber, packet.size, quantized))
            }
        }
        if head > 4096 {
            queue.removeFirst(head)
            head = 0
        }
        return delivered
    }

    /// Bytes waiting in the queue.
    var backlogBytes: Int { queuedBytes }
}

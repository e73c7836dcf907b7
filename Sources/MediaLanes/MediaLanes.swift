public import Primitives
import Synchronization

/// The media threads past the first, seen from the receiving thread: it hands each datagram a
/// lane must seal to that lane's ring, in queue order, and wakes the lanes it fed.
///
/// Used only by the receiving thread (the rings' one producer).
public final class MediaLanes {
    /// Lanes 1...; `lanes[n - 1]` is lane n.
    public let lanes: [MediaLane]
    /// Datagrams dropped because their lane's ring was full (the lane fell behind).
    public private(set) var ringFullDrops: UInt64 = 0
    /// Datagrams dropped because their sealer named a lane that does not exist (a bug, not load).
    public private(set) var unknownLaneDrops: UInt64 = 0
    private var fed: [Bool]
    /// How far into the queue (of `queueGeneration`) datagrams were already handed over.
    private var handedOver = 0
    private var queueGeneration: UInt64 = 0

    /// Creates lanes 1..<count with rings of `ringCapacity` datagrams, each sending to the output
    /// `makeOutput(lane)` gives.
    public init(count: Int, ringCapacity: Int, makeOutput: (Int) -> any LaneOutput) {
        lanes = (1..<max(count, 1)).map { MediaLane(number: $0, ringCapacity: ringCapacity, output: makeOutput($0)) }
        fed = Array(repeating: false, count: lanes.count)
    }

    /// How many media threads there are with the receiving one.
    public var threadCount: Int { lanes.count + 1 }

    /// Starts every lane's thread, named `prefix` and its number. Returns the first pthread error, or 0.
    public func start(namePrefix prefix: String) -> Int32 {
        for lane in lanes {
            let result = lane.start(name: "\(prefix)\(lane.number)")
            if result != 0 { return result }
        }
        return 0
    }

    /// Copies the queue's datagrams that wait for another lane, and that were not handed over
    /// yet, into their lane's ring, publishes and wakes the lanes fed. The queue keeps them: its
    /// sender skips them, then empties it. Called after every received datagram, so a lane seals
    /// and sends a fan-out's first copies while this thread still rewrites the rest of the batch.
    public func handOver(_ queue: TransmitQueue) {
        if queue.generation != queueGeneration {
            queueGeneration = queue.generation
            handedOver = 0
        }
        let end = queue.count
        defer { handedOver = end }
        guard queue.deferredCount > 0, handedOver < end else { return }
        for index in handedOver..<end {
            guard let sealer = queue.deferredSealer(index) else { continue }
            let lane = sealer.lane - 1
            guard lane >= 0, lane < lanes.count else {
                unknownLaneDrops &+= 1
                continue
            }
            if !fed[lane] { lanes[lane].ring.beginHandOver() }
            guard lanes[lane].ring.push(from: queue, index: index) else {
                ringFullDrops &+= 1
                continue
            }
            fed[lane] = true
        }
        for lane in lanes.indices where fed[lane] {
            fed[lane] = false
            lanes[lane].publishAndWake()
        }
    }

    /// Datagrams handed over that the lanes have not finished yet.
    public var backlog: Int {
        lanes.reduce(0) { $0 + $1.ring.backlog }
    }

    /// Stops every lane after it sent what it holds.
    public func stop() {
        for lane in lanes { lane.stop() }
    }

    /// Every lane's counters added up.
    public var statistics: MediaLaneStatistics {
        lanes.reduce(into: MediaLaneStatistics(sent: 0, sealFailures: 0, sendFailures: 0, sendBufferFull: 0)) { total, lane in
            let one = lane.statistics
            total.sent &+= one.sent
            total.sealFailures &+= one.sealFailures
            total.sendFailures &+= one.sendFailures
            total.sendBufferFull &+= one.sendBufferFull
            total.segmented &+= one.segmented
            total.segmentationRefusals &+= one.segmentationRefusals
        }
    }
}

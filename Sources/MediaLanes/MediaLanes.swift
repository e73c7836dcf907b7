public import Primitives

/// The media threads past the first, seen from the receiving thread: `run` has every lane do its
/// share of a fan-out at once, with the receiving thread doing lane 0's, and returns when all
/// are done and sent.
///
/// Knows nothing of the engine: a lane's share is the `work` closure, called with the lane's
/// number and the queue to write into. Used only by the receiving thread.
public final class MediaLanes {
    /// Lanes 1...; `lanes[n - 1]` is lane n.
    public let lanes: [MediaLane]
    private let barrier = LaneBarrier()
    private let work: (Int, TransmitQueue) -> Void
    private var started = false

    /// Creates lanes 1..<count, each writing into a queue of `queueCapacity` datagrams and
    /// sending to the output `makeOutput(lane)` gives. `work(lane, queue)` is a lane's share.
    public init(
        count: Int, queueCapacity: Int = 1024, makeOutput: (Int) -> any LaneOutput,
        work: @escaping (Int, TransmitQueue) -> Void
    ) {
        let barrier = barrier
        lanes = (1..<max(count, 1)).map {
            MediaLane(number: $0, queueCapacity: queueCapacity, output: makeOutput($0), barrier: barrier, work: work)
        }
        self.work = work
    }

    /// How many media threads there are with the receiving one.
    public var threadCount: Int { lanes.count + 1 }

    /// Starts every lane's thread, named `prefix` and its number. Returns the first pthread error, or 0.
    public func start(namePrefix prefix: String) -> Int32 {
        for lane in lanes {
            let result = lane.start(name: "\(prefix)\(lane.number)")
            if result != 0 { return result }
        }
        started = true
        return 0
    }

    /// Runs one fan-out: every lane's share on its thread, lane 0's here into `queue` (which the
    /// caller sends), and returns once every lane has sent its share. Before `start`, or after
    /// `stop`, the lanes' shares run here one after the other.
    public func run(sharing queue: TransmitQueue) {
        guard started else {
            work(0, queue)
            for lane in lanes { lane.runWorkHere() }
            return
        }
        barrier.expect(lanes.count)
        for lane in lanes { lane.startWork() }
        work(0, queue)
        barrier.wait()
    }

    /// Stops every lane (between fan-outs).
    public func stop() {
        started = false
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

public import Primitives

/// The media threads past the first, seen from the receiving thread: `run` has every lane do its
/// share of a fan-out at once, with the receiving thread doing lane 0's, and returns when all
/// are done and sent.
///
/// A lane that sleeps is woken only for a fan-out worth its wake-up (`defaultWakeCopies` copies
/// or more); a smaller one's share the receiving thread serves itself, into its own queue. It may:
/// a lane touches nothing until it is started, and the barrier of its last fan-out made what it
/// wrote visible. So a light load costs what one thread costs, and a key frame fanned out to a
/// conference, or a steady heavy load (lanes poll between fan-outs, awake), spreads over them.
///
/// Knows nothing of the engine: a lane's share is the `work` closure, called with the lane's
/// number and the queue to write into. Used only by the receiving thread.
public final class MediaLanes {
    /// Lanes 1...; `lanes[n - 1]` is lane n.
    public let lanes: [MediaLane]
    private let barrier = LaneBarrier()
    private let work: (Int, TransmitQueue) -> Void
    /// The smallest fan-out (datagrams, all lanes) a sleeping lane is woken for.
    private let wakeCopies: Int
    private var started = false

    /// Creates lanes 1..<count, each writing into a queue of `queueCapacity` datagrams and
    /// sending to the output `makeOutput(lane)` gives. `work(lane, queue)` is a lane's share. A
    /// sleeping lane is woken for fan-outs of `wakeCopies` datagrams or more (0: always).
    public init(
        count: Int, queueCapacity: Int = 1024, wakeCopies: Int = MediaLanes.defaultWakeCopies,
        makeOutput: (Int) -> any LaneOutput, work: @escaping (Int, TransmitQueue) -> Void
    ) {
        self.wakeCopies = wakeCopies
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

    /// Runs one fan-out of about `copies` datagrams: every lane's share on its thread, lane 0's
    /// here into `queue` (which the caller sends), and returns once every lane has sent its
    /// share. Before `start`, or after `stop`, the lanes' shares run here one after the other.
    public func run(sharing queue: TransmitQueue, copies: Int) {
        guard started else {
            work(0, queue)
            for lane in lanes { lane.runWorkHere() }
            return
        }
        var starting = 0
        for lane in lanes {
            lane.startedThisFanOut = !lane.isAsleep || copies >= wakeCopies
            if lane.startedThisFanOut { starting += 1 }
        }
        barrier.expect(starting)
        for lane in lanes where lane.startedThisFanOut { lane.startWork() }
        work(0, queue)
        for lane in lanes where !lane.startedThisFanOut { work(lane.number, queue) }
        barrier.wait()
    }

    /// The smallest fan-out (datagrams, all lanes) a sleeping lane is woken for by default: at a
    /// few microseconds a copy, its share then outweighs the tens of microseconds a wake-up takes.
    public static let defaultWakeCopies = 32

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

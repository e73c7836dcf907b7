#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
public import Primitives
import Synchronization

/// One media thread past the first: it owns a share of the receivers and, each time the
/// receiving thread fans packets out, selects, rewrites, seals and sends for them (the `work`
/// it was given), into its own queue and out through its own `sendmmsg` batch.
///
/// Between fan-outs it waits for the next one as `AdaptiveWait` does: polling while they follow
/// closely (under load), else sleeping. The receiving thread waits for every lane to be done
/// (`LaneBarrier`) before it goes on, so what the work reads holds still meanwhile.
public final class MediaLane: @unchecked Sendable {
    /// The lane's number (1...): what the engine's `Endpoint.lane` names.
    public let number: Int
    /// What the lane's share is written into; only the lane's thread touches it once started.
    let transmit: TransmitQueue
    private let output: any LaneOutput
    private let work: (Int, TransmitQueue) -> Void
    private let barrier: LaneBarrier
    /// Fan-outs started so far: the lane runs one share per step.
    private let started = Atomic<UInt64>(0)
    private let waiter = AdaptiveWait()
    private let stopping = Atomic<Bool>(false)
    private var thread: pthread_t?

    private let sentCount = Atomic<UInt64>(0)
    private let sealFailureCount = Atomic<UInt64>(0)
    private let sendFailureCount = Atomic<UInt64>(0)
    private let bufferFullCount = Atomic<UInt64>(0)
    private let segmentedCount = Atomic<UInt64>(0)
    private let segmentationRefusalCount = Atomic<UInt64>(0)

    init(number: Int, queueCapacity: Int, output: any LaneOutput, barrier: LaneBarrier, work: @escaping (Int, TransmitQueue) -> Void) {
        self.number = number
        transmit = TransmitQueue(capacity: queueCapacity)
        self.output = output
        self.barrier = barrier
        self.work = work
        // A full queue goes out at once, on the lane's thread (the work is running there).
        transmit.flushHandler = { [unowned self] queue in self.send(queue) }
    }

    /// What the lane has done, readable from any thread.
    public var statistics: MediaLaneStatistics {
        MediaLaneStatistics(
            sent: sentCount.load(ordering: .relaxed), sealFailures: sealFailureCount.load(ordering: .relaxed),
            sendFailures: sendFailureCount.load(ordering: .relaxed), sendBufferFull: bufferFullCount.load(ordering: .relaxed),
            segmented: segmentedCount.load(ordering: .relaxed),
            segmentationRefusals: segmentationRefusalCount.load(ordering: .relaxed))
    }

    /// Starts the lane's thread, named `name` (at most 15 characters). Returns the pthread error, or 0.
    func start(name: String) -> Int32 {
        let context = Unmanaged.passRetained(LaneStart(lane: self, name: name)).toOpaque()
        var handle = pthread_t()
        let result = pthread_create(&handle, nil, { argument in
            guard let argument else { return nil }
            let start = Unmanaged<LaneStart>.fromOpaque(argument).takeRetainedValue()
            nameCurrentThread(start.name)
            start.lane.run()
            return nil
        }, context)
        if result == 0 {
            thread = handle
        } else {
            Unmanaged<LaneStart>.fromOpaque(context).release()
        }
        return result
    }

    /// Whether the lane sleeps between fan-outs (waking it costs a system call and its wake-up).
    var isAsleep: Bool { waiter.isAsleep }

    /// Whether the current fan-out started the lane's thread, or the receiving thread serves its
    /// share (receiving thread only).
    var startedThisFanOut = false

    /// Lets the lane run its work once (receiving thread; the barrier counts it).
    func startWork() {
        started.add(1, ordering: .sequentiallyConsistent)
        waiter.wakeIfAsleep()
    }

    /// Stops the lane and waits for its thread. Not while a fan-out runs.
    func stop() {
        stopping.store(true, ordering: .sequentiallyConsistent)
        started.add(1, ordering: .sequentiallyConsistent)
        waiter.wake()
        if let thread {
            pthread_join(thread, nil)
            self.thread = nil
        }
    }

    /// Runs the work in the calling thread, sends what it queued and counts it: the lane's body,
    /// and what the receiving thread does itself for a lane that has no thread.
    func runWorkHere() {
        work(number, transmit)
        send(transmit)
        let failedSeals = transmit.sealFailures
        if failedSeals != sealFailureCount.load(ordering: .relaxed) { sealFailureCount.store(failedSeals, ordering: .relaxed) }
    }

    private func run() {
        var done: UInt64 = 0
        while true {
            waiter.wait { started.load(ordering: .sequentiallyConsistent) != done }
            done &+= 1
            if stopping.load(ordering: .acquiring) { break }
            runWorkHere()
            barrier.arrive()
        }
    }

    /// Sends everything queued, a batch at a time, and empties the queue.
    private func send(_ queue: TransmitQueue) {
        let queued = queue.count
        let batchCapacity = max(1, output.batchCapacity)
        var first = 0
        while first < queued {
            let count = min(batchCapacity, queued - first)
            for offset in 0..<count {
                let index = first + offset
                output.prepare(offset, bytes: queue.slotStart(index), length: queue.length(index), to: queue.destination(index))
            }
            tally(output.flush(count: count), of: count)
            first += count
        }
        queue.removeAll()
    }

    private func tally(_ result: LaneSendResult, of prepared: Int) {
        let unsent = result.failed + result.dropped
        sentCount.add(UInt64(max(0, prepared - unsent)), ordering: .relaxed)
        if result.failed > 0 { sendFailureCount.add(UInt64(result.failed), ordering: .relaxed) }
        if result.dropped > 0 { bufferFullCount.add(UInt64(result.dropped), ordering: .relaxed) }
        if result.segmented > 0 { segmentedCount.add(UInt64(result.segmented), ordering: .relaxed) }
        if result.segmentationRefusals > 0 { segmentationRefusalCount.add(UInt64(result.segmentationRefusals), ordering: .relaxed) }
    }
}

/// Names the calling thread (top -H, per-thread CPU in the benchmarks). Through procfs because
/// Glibc's module does not export `pthread_setname_np` and `prctl` is variadic.
private func nameCurrentThread(_ name: String) {
    let descriptor = open("/proc/thread-self/comm", O_WRONLY | O_CLOEXEC)
    guard descriptor >= 0 else { return }
    let bytes = Array(name.utf8.prefix(15))
    _ = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
    close(descriptor)
}

/// What `MediaLane.start` hands its new thread.
private final class LaneStart {
    let lane: MediaLane
    let name: String

    init(lane: MediaLane, name: String) {
        self.lane = lane
        self.name = name
    }
}

/// A lane's counters since start.
public struct MediaLaneStatistics: Sendable, Equatable {
    public var sent: UInt64
    public var sealFailures: UInt64
    public var sendFailures: UInt64
    public var sendBufferFull: UInt64
    /// Datagrams sent inside segmented sends (UDP GSO).
    public var segmented: UInt64 = 0
    /// Segmented sends the kernel refused.
    public var segmentationRefusals: UInt64 = 0
}

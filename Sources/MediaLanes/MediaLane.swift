#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import Primitives
import Synchronization

/// One media thread past the first: it owns a share of the receivers, and seals (SRTP-protects)
/// and sends every datagram toward them, in the order the receiving thread queued them.
///
/// It sleeps on a semaphore when its ring is empty; the producer posts only when it saw the lane
/// asleep, so a busy lane costs no wake-up system calls.
public final class MediaLane: @unchecked Sendable {
    /// The lane's number (1...): what `PacketSealer.lane` names.
    public let number: Int
    let ring: LaneRing
    private let output: any LaneOutput
    private let wakeSemaphore: UnsafeMutablePointer<sem_t>
    private let sleeping = Atomic<Bool>(false)
    private let stopping = Atomic<Bool>(false)
    private var thread: pthread_t?

    private let sentCount = Atomic<UInt64>(0)
    private let sealFailureCount = Atomic<UInt64>(0)
    private let sendFailureCount = Atomic<UInt64>(0)
    private let bufferFullCount = Atomic<UInt64>(0)
    private let segmentedCount = Atomic<UInt64>(0)
    private let segmentationRefusalCount = Atomic<UInt64>(0)

    /// Creates a lane with a ring of `ringCapacity` datagrams; `start` runs its thread.
    public init(number: Int, ringCapacity: Int, output: any LaneOutput) {
        self.number = number
        ring = LaneRing(capacity: ringCapacity)
        self.output = output
        wakeSemaphore = .allocate(capacity: 1)
        sem_init(wakeSemaphore, 0, 0)
    }

    deinit {
        sem_destroy(wakeSemaphore)
        wakeSemaphore.deallocate()
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
    public func start(name: String) -> Int32 {
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

    /// Makes what was pushed visible and wakes the lane if it sleeps (producer thread).
    func publishAndWake() {
        ring.publish()
        if sleeping.load(ordering: .sequentiallyConsistent) { sem_post(wakeSemaphore) }
    }

    /// Lets the lane send what it holds, stops it and waits for its thread (producer thread).
    public func stop() {
        stopping.store(true, ordering: .sequentiallyConsistent)
        sem_post(wakeSemaphore)
        if let thread {
            pthread_join(thread, nil)
            self.thread = nil
        }
    }

    /// The lane's loop: take what is published, seal, send, free the slots; sleep when empty.
    func run() {
        var position = ring.head.load(ordering: .relaxed)
        let batchCapacity = max(1, output.batchCapacity)
        while true {
            let available = ring.available(tail: ring.tail.load(ordering: .acquiring), position: &position)
            if available == 0 {
                if stopping.load(ordering: .acquiring) { break }
                sleeping.store(true, ordering: .sequentiallyConsistent)
                // A restart moves the tail past `position` too, so an unchanged tail means nothing new.
                if ring.tail.load(ordering: .sequentiallyConsistent) == position, !stopping.load(ordering: .sequentiallyConsistent) {
                    sem_wait(wakeSemaphore)
                }
                sleeping.store(false, ordering: .relaxed)
                continue
            }
            let taken = min(available, batchCapacity)
            var prepared = 0
            var sealFailures: UInt64 = 0
            for offset in 0..<taken {
                let slot = ring.slot(position + offset)
                guard let sealer = ring.takeSealer(slot) else { continue }
                let bytes = ring.bytes(slot)
                let sealed = sealer.seal(bytes, length: ring.length(slot), capacity: LaneRing.slotSize, as: ring.kind(slot))
                guard sealed > 0 else { sealFailures &+= 1; continue }
                output.prepare(prepared, bytes: bytes, length: sealed, to: ring.destination(slot))
                prepared += 1
            }
            let result = prepared > 0 ? output.flush(count: prepared) : LaneSendResult()
            position += taken
            ring.release(upTo: position)
            let unsent = result.failed + result.dropped
            sentCount.add(UInt64(max(0, prepared - unsent)), ordering: .relaxed)
            if sealFailures > 0 { sealFailureCount.add(sealFailures, ordering: .relaxed) }
            if result.failed > 0 { sendFailureCount.add(UInt64(result.failed), ordering: .relaxed) }
            if result.dropped > 0 { bufferFullCount.add(UInt64(result.dropped), ordering: .relaxed) }
            if result.segmented > 0 { segmentedCount.add(UInt64(result.segmented), ordering: .relaxed) }
            if result.segmentationRefusals > 0 {
                segmentationRefusalCount.add(UInt64(result.segmentationRefusals), ordering: .relaxed)
            }
        }
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

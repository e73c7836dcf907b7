@testable import MediaLanes
import Primitives
import Synchronization
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Seals by appending a one-byte mark, so a test sees each datagram was sealed once.
private final class MarkingSealer: PacketSealer {
    let failsOnFirstByte: UInt8?

    init(failsOnFirstByte: UInt8? = nil) {
        self.failsOnFirstByte = failsOnFirstByte
    }

    func seal(_ datagram: UnsafeMutableRawPointer, length: Int, capacity: Int, as kind: SealedPacketKind) -> Int {
        if let failsOnFirstByte, datagram.load(as: UInt8.self) == failsOnFirstByte { return 0 }
        datagram.storeBytes(of: kind == .rtp ? 0xA0 : 0xC0, toByteOffset: length, as: UInt8.self)
        return length + 1
    }
}

/// Keeps what a lane sent.
private final class RecordingOutput: LaneOutput, Sendable {
    let batchCapacity = 8
    private let batch = Mutex<[([UInt8], PeerAddress)]>([])
    let sent = Mutex<[([UInt8], PeerAddress)]>([])

    func prepare(_ index: Int, bytes: UnsafeRawPointer, length: Int, to destination: PeerAddress) {
        let copy = Array(UnsafeRawBufferPointer(start: bytes, count: length))
        batch.withLock { $0.append((copy, destination)) }
    }

    func flush(count: Int) -> LaneSendResult {
        let taken = batch.withLock { pending in defer { pending.removeAll() }; return pending }
        #expect(taken.count == count && count <= batchCapacity)
        sent.withLock { $0.append(contentsOf: taken) }
        return LaneSendResult()
    }

    /// The numbers of what was sent, in order.
    var numbers: [UInt32] { sent.withLock { $0.map { number($0.0) } } }
}

/// Queues datagram `number` (4 bytes, big-endian) for `sealer` to `destination`.
@discardableResult
private func queueNumbered(_ number: UInt32, to destination: PeerAddress, sealer: MarkingSealer, in queue: TransmitQueue) -> Int {
    queue.append(to: destination, sealedBy: sealer, as: .rtp) { slot in
        slot.storeBytes(of: number.bigEndian, as: UInt32.self)
        return 4
    }
}

private func number(_ bytes: [UInt8]) -> UInt32 { bytes.prefix(4).reduce(0) { $0 << 8 | UInt32($1) } }

/// Who ran which lane's share: each lane writes only its own entries, and the test reads them
/// once `run` returned, as the engine uses what lanes write (no lock, so ThreadSanitizer checks
/// the lanes' own synchronisation).
private final class ShareLog: @unchecked Sendable {
    let lanes: Int
    private let runs: UnsafeMutablePointer<Int>
    private let threads: UnsafeMutablePointer<Set<UInt>>

    init(lanes: Int) {
        self.lanes = lanes
        runs = .allocate(capacity: lanes)
        runs.initialize(repeating: 0, count: lanes)
        threads = .allocate(capacity: lanes)
        threads.initialize(repeating: [], count: lanes)
    }

    deinit {
        runs.deinitialize(count: lanes)
        runs.deallocate()
        threads.deinitialize(count: lanes)
        threads.deallocate()
    }

    func note(_ lane: Int) {
        runs[lane] += 1
        threads[lane].insert(UInt(pthread_self()))
    }

    func runs(of lane: Int) -> Int { runs[lane] }
    func threads(of lane: Int) -> Set<UInt> { threads[lane] }
}

@Suite struct MediaLanesTests {
    @Test func aFailedSealDropsTheDatagram() {
        let queue = TransmitQueue(capacity: 8)
        let to = PeerAddress(ipv4: 0x7F00_0001, port: 5000)
        #expect(queueNumbered(7, to: to, sealer: MarkingSealer(failsOnFirstByte: 0), in: queue) == 0)
        #expect(queueNumbered(0x0800_0000, to: to, sealer: MarkingSealer(failsOnFirstByte: 0), in: queue) == 5)
        #expect(queue.count == 1 && queue.sealFailures == 1 && queue.datagram(0).last == 0xA0)
    }

    /// Every lane runs its share once per fan-out, each on its own thread and lane 0 on the
    /// caller's, into the queue the caller gave; `run` returns only once every lane has sent.
    @Test(arguments: [2, 4]) func eachLaneServesItsShareOnItsOwnThread(threads: Int) {
        let outputs = (1..<threads).map { _ in RecordingOutput() }
        let log = ShareLog(lanes: threads)
        let sealer = MarkingSealer()
        let round = Atomic<UInt32>(0)
        let lanes = MediaLanes(count: threads, wakeCopies: 0, makeOutput: { outputs[$0 - 1] }) { lane, queue in
            log.note(lane)
            queueNumbered(round.load(ordering: .relaxed), to: PeerAddress(ipv4: 1, port: UInt16(lane)), sealer: sealer, in: queue)
        }
        #expect(lanes.start(namePrefix: "test-lane") == 0)
        defer { lanes.stop() }
        let own = TransmitQueue(capacity: 8)
        let rounds = 200
        for value in 0..<rounds {
            round.store(UInt32(value), ordering: .relaxed)
            lanes.run(sharing: own, copies: 1)
            #expect(own.count == 1 && number(Array(own.datagram(0))) == UInt32(value), "lane 0's share is the caller's to send")
            own.removeAll()
            for output in outputs { #expect(output.numbers.count == value + 1, "sent before run returned") }
        }
        for output in outputs { #expect(output.numbers == Array(0..<UInt32(rounds))) }
        for lane in 0..<threads { #expect(log.runs(of: lane) == rounds) }
        let caller = UInt(pthread_self())
        #expect(log.threads(of: 0) == [caller])
        for lane in 1..<threads {
            #expect(log.threads(of: lane).count == 1 && !log.threads(of: lane).contains(caller))
        }
        #expect(Set((0..<threads).compactMap { log.threads(of: $0).first }).count == threads, "one thread per lane")
        #expect(lanes.statistics.sent == UInt64(rounds * (threads - 1)))
    }

    /// A share longer than the lane's queue goes out as the queue fills, and one longer than an
    /// output batch in several batches: all of it, in order.
    @Test func aLongShareIsSentWholeAndInOrder() {
        let output = RecordingOutput()
        let sealer = MarkingSealer()
        let lanes = MediaLanes(count: 2, queueCapacity: 16, wakeCopies: 0, makeOutput: { _ in output }) { lane, queue in
            guard lane == 1 else { return }
            for value in 0..<100 { queueNumbered(UInt32(value), to: PeerAddress(ipv4: 1, port: 1), sealer: sealer, in: queue) }
        }
        #expect(lanes.start(namePrefix: "test-lane") == 0)
        lanes.run(sharing: TransmitQueue(capacity: 4), copies: 1)
        lanes.stop()
        #expect(output.numbers == Array(0..<100))
        #expect(lanes.lanes[0].transmit.overflowDrops == 0)
        #expect(lanes.statistics.sent == 100)
    }

    /// Before `start` (and after `stop`) the shares run on the caller, one after the other.
    @Test func withoutThreadsTheCallerServesEveryShare() {
        let output = RecordingOutput()
        let log = ShareLog(lanes: 3)
        let sealer = MarkingSealer()
        let lanes = MediaLanes(count: 3, makeOutput: { _ in output }) { lane, queue in
            log.note(lane)
            queueNumbered(UInt32(lane), to: PeerAddress(ipv4: 1, port: 1), sealer: sealer, in: queue)
        }
        let own = TransmitQueue(capacity: 4)
        lanes.run(sharing: own, copies: 1)
        #expect(own.count == 1)
        #expect(output.numbers == [1, 2])
        let caller = UInt(pthread_self())
        for lane in 0..<3 { #expect(log.runs(of: lane) == 1 && log.threads(of: lane) == [caller]) }
    }

    /// A sleeping lane is woken only for a fan-out worth a wake-up: a smaller one's share the
    /// caller serves, into its own queue; a larger one the lane serves on its thread.
    @Test func aSleepingLaneIsWokenOnlyForALargeFanOut() throws {
        let output = RecordingOutput()
        let log = ShareLog(lanes: 2)
        let sealer = MarkingSealer()
        let lanes = MediaLanes(count: 2, wakeCopies: 32, makeOutput: { _ in output }) { lane, queue in
            log.note(lane)
            queueNumbered(UInt32(lane), to: PeerAddress(ipv4: 1, port: 1), sealer: sealer, in: queue)
        }
        #expect(lanes.start(namePrefix: "test-lane") == 0)
        defer { lanes.stop() }
        var waited = 0
        while !lanes.lanes[0].isAsleep, waited < 2_000 {
            usleep(1000)
            waited += 1
        }
        try #require(lanes.lanes[0].isAsleep)
        let own = TransmitQueue(capacity: 4)
        lanes.run(sharing: own, copies: 31)
        let caller = UInt(pthread_self())
        #expect(log.threads(of: 1) == [caller] && own.count == 2 && output.numbers.isEmpty, "served by the caller")
        own.removeAll()
        lanes.run(sharing: own, copies: 32)
        #expect(log.runs(of: 1) == 2 && log.threads(of: 1).count == 2, "woken: served on its own thread")
        #expect(own.count == 1 && output.numbers == [1])
    }

    @Test func aLaneCountsSealFailures() {
        let output = RecordingOutput()
        let sealer = MarkingSealer(failsOnFirstByte: 0)
        let lanes = MediaLanes(count: 2, wakeCopies: 0, makeOutput: { _ in output }) { lane, queue in
            guard lane == 1 else { return }
            // 0x00000001's first byte is 0: refused; 0x01000000's is not.
            queueNumbered(1, to: PeerAddress(ipv4: 1, port: 1), sealer: sealer, in: queue)
            queueNumbered(0x0100_0000, to: PeerAddress(ipv4: 1, port: 1), sealer: sealer, in: queue)
        }
        #expect(lanes.start(namePrefix: "test-lane") == 0)
        lanes.run(sharing: TransmitQueue(capacity: 4), copies: 1)
        lanes.stop()
        #expect(output.numbers == [0x0100_0000])
        #expect(lanes.statistics.sealFailures == 1 && lanes.statistics.sent == 1)
    }
}

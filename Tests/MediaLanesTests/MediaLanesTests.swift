@testable import MediaLanes
import Primitives
import Synchronization
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Seals by appending a one-byte mark (its lane), so a test sees each datagram was sealed once, by its lane.
private final class MarkingSealer: PacketSealer {
    let lane: Int
    let failsOnFirstByte: UInt8?

    init(lane: Int, failsOnFirstByte: UInt8? = nil) {
        self.lane = lane
        self.failsOnFirstByte = failsOnFirstByte
    }

    func seal(_ datagram: UnsafeMutableRawPointer, length: Int, capacity: Int, as kind: SealedPacketKind) -> Int {
        if let failsOnFirstByte, datagram.load(as: UInt8.self) == failsOnFirstByte { return 0 }
        datagram.storeBytes(of: kind == .rtp ? 0xA0 | UInt8(lane) : 0xC0 | UInt8(lane), toByteOffset: length, as: UInt8.self)
        return length + 1
    }

    func sealedLength(_ length: Int, as kind: SealedPacketKind) -> Int { length + 1 }
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
        #expect(taken.count == count)
        sent.withLock { $0.append(contentsOf: taken) }
        return LaneSendResult()
    }
}

/// Queues datagram `number` (4 bytes, big-endian) for `sealer` to `destination`.
private func queueNumbered(_ number: UInt32, to destination: PeerAddress, sealer: MarkingSealer, in queue: TransmitQueue) -> Int {
    queue.append(to: destination, sealedBy: sealer, as: .rtp) { slot in
        slot.storeBytes(of: number.bigEndian, as: UInt32.self)
        return 4
    }
}

private func number(_ bytes: [UInt8]) -> UInt32 { bytes.prefix(4).reduce(0) { $0 << 8 | UInt32($1) } }

/// A queue that leaves other lanes' datagrams for them, as the media shell's does.
private func deferringQueue(capacity: Int) -> TransmitQueue {
    let queue = TransmitQueue(capacity: capacity)
    queue.defersSealing = true
    return queue
}

/// A ring of four slots with datagrams 0, 1 and 2 (of the queue returned with it) published.
private func ringOfFourWithThreePublished() -> (LaneRing, TransmitQueue) {
    let ring = LaneRing(capacity: 4)
    let queue = deferringQueue(capacity: 4)
    let sealer = MarkingSealer(lane: 1)
    for value in 0..<3 { _ = queueNumbered(UInt32(value), to: PeerAddress(ipv4: 1, port: 1), sealer: sealer, in: queue) }
    for index in 0..<3 { #expect(ring.push(from: queue, index: index)) }
    ring.publish()
    return (ring, queue)
}

/// Lane 1 alone, recording what it sends, fed from a deferring queue.
private struct OneLane {
    let output: RecordingOutput
    let lanes: MediaLanes
    let queue: TransmitQueue

    init(ringCapacity: Int, queueCapacity: Int, started: Bool = true) {
        let output = RecordingOutput()
        self.output = output
        lanes = MediaLanes(count: 2, ringCapacity: ringCapacity) { _ in output }
        queue = deferringQueue(capacity: queueCapacity)
        if started { #expect(lanes.start(namePrefix: "test-lane") == 0) }
    }

    /// The numbers of what the lane sent, in order.
    var sentNumbers: [UInt32] { output.sent.withLock { $0.map { number($0.0) } } }
}

@Suite struct MediaLanesTests {
    @Test func laneZeroSealsAtOnceAndOtherLanesWait() {
        let queue = deferringQueue(capacity: 8)
        let to = PeerAddress(ipv4: 0x7F00_0001, port: 5000)
        #expect(queueNumbered(1, to: to, sealer: MarkingSealer(lane: 0), in: queue) == 5)
        #expect(queueNumbered(2, to: to, sealer: MarkingSealer(lane: 1), in: queue) == 5)
        #expect(queue.count == 2 && queue.deferredCount == 1)
        #expect(queue.length(0) == 5 && queue.datagram(0).last == 0xA0)
        #expect(queue.length(1) == 4)
        #expect(queue.deferredSealer(0) == nil && queue.deferredSealer(1)?.lane == 1)
        queue.removeAll()
        #expect(queue.deferredCount == 0)
    }

    @Test func withoutDeferringEveryLaneSealsAtOnce() {
        let queue = TransmitQueue(capacity: 8)
        let to = PeerAddress(ipv4: 0x7F00_0001, port: 5000)
        #expect(queueNumbered(1, to: to, sealer: MarkingSealer(lane: 3), in: queue) == 5)
        #expect(queue.deferredCount == 0 && queue.datagram(0).last == 0xA3)
    }

    @Test func aFailedSealDropsTheDatagram() {
        let queue = TransmitQueue(capacity: 8)
        let to = PeerAddress(ipv4: 0x7F00_0001, port: 5000)
        let sealer = MarkingSealer(lane: 0, failsOnFirstByte: 0)
        #expect(queueNumbered(7, to: to, sealer: sealer, in: queue) == 0)
        #expect(queue.count == 0 && queue.sealFailures == 1)
    }

    /// Two lanes on their own threads, fed by this one: every datagram arrives once, sealed by its
    /// own lane, and each destination's datagrams in the order they were queued.
    @Test(arguments: [2, 4]) func lanesKeepOrderPerReceiver(threads: Int) {
        let outputs = (1..<threads).map { _ in RecordingOutput() }
        let lanes = MediaLanes(count: threads, ringCapacity: 64) { outputs[$0 - 1] }
        #expect(lanes.start(namePrefix: "test-lane") == 0)
        let queue = deferringQueue(capacity: 16)
        // The test waits for room, so that it checks order and not the drop of a lane that fell
        // behind (the queue holds 16, the ring 64).
        queue.flushHandler = { queue in
            while lanes.backlog > 48 { usleep(20) }
            lanes.handOver(queue)
            queue.removeAll()
        }
        let receivers = 12
        let sealers = (0..<receivers).map { MarkingSealer(lane: 1 + $0 % (threads - 1)) }
        let destinations = (0..<receivers).map { PeerAddress(ipv4: 0x7F00_0001, port: UInt16(6000 + $0)) }
        let perReceiver = 3000
        for round in 0..<perReceiver {
            for receiver in 0..<receivers {
                _ = queueNumbered(UInt32(round), to: destinations[receiver], sealer: sealers[receiver], in: queue)
            }
            if round % 7 == 0 { queue.flushHandler?(queue) }
        }
        queue.flushHandler?(queue)
        lanes.stop()
        #expect(lanes.ringFullDrops == 0)
        var next = [PeerAddress: UInt32]()
        var total = 0
        for (lane, output) in outputs.enumerated() {
            for (bytes, destination) in output.sent.withLock({ $0 }) {
                #expect(bytes.count == 5 && bytes[4] == 0xA0 | UInt8(lane + 1))
                #expect(number(bytes) == next[destination, default: 0])
                next[destination] = number(bytes) + 1
                total += 1
            }
        }
        #expect(total == receivers * perReceiver)
        #expect(lanes.statistics.sent == UInt64(receivers * perReceiver))
    }

    @Test func aFullRingDropsAndCounts() {
        let fixture = OneLane(ringCapacity: 4, queueCapacity: 16, started: false)
        let (lanes, queue) = (fixture.lanes, fixture.queue)
        let sealer = MarkingSealer(lane: 1)
        for value in 0..<10 { _ = queueNumbered(UInt32(value), to: PeerAddress(ipv4: 1, port: 1), sealer: sealer, in: queue) }
        lanes.handOver(queue)  // lane not started: nothing drains the ring
        queue.removeAll()
        #expect(lanes.ringFullDrops == 6)
        #expect(lanes.start(namePrefix: "test-lane") == 0)
        lanes.stop()
        #expect(fixture.sentNumbers == [0, 1, 2, 3])
    }

    @Test func aLaneCountsSealFailures() {
        let fixture = OneLane(ringCapacity: 8, queueCapacity: 8)
        let (lanes, queue) = (fixture.lanes, fixture.queue)
        let sealer = MarkingSealer(lane: 1, failsOnFirstByte: 0)
        _ = queueNumbered(1, to: PeerAddress(ipv4: 1, port: 1), sealer: sealer, in: queue)
        _ = queueNumbered(0x0100_0000, to: PeerAddress(ipv4: 1, port: 1), sealer: sealer, in: queue)
        lanes.handOver(queue)
        queue.removeAll()
        lanes.stop()
        #expect(lanes.statistics.sealFailures == 1 && lanes.statistics.sent == 1)
    }

    /// The receiving thread hands over after every datagram it handled: what was handed over
    /// stays in the queue until it is emptied, and must not go to the lane twice.
    @Test func aDatagramIsHandedOverOnce() {
        let fixture = OneLane(ringCapacity: 16, queueCapacity: 16, started: false)
        let (lanes, queue) = (fixture.lanes, fixture.queue)
        let sealer = MarkingSealer(lane: 1)
        let to = PeerAddress(ipv4: 1, port: 1)
        _ = queueNumbered(1, to: to, sealer: sealer, in: queue)
        lanes.handOver(queue)
        _ = queueNumbered(2, to: to, sealer: MarkingSealer(lane: 0), in: queue)
        _ = queueNumbered(3, to: to, sealer: sealer, in: queue)
        lanes.handOver(queue)
        lanes.handOver(queue)
        queue.removeAll()
        _ = queueNumbered(4, to: to, sealer: sealer, in: queue)
        lanes.handOver(queue)
        #expect(lanes.start(namePrefix: "test-lane") == 0)
        lanes.stop()
        #expect(fixture.sentNumbers == [1, 3, 4])
    }

    /// A lane that keeps up finds an empty ring at every hand-over, so its datagrams go to slot 0
    /// again and again: the ring's memory stays unused (not resident) beyond the deepest backlog.
    @Test func aLaneThatKeepsUpUsesOnlyTheFirstSlots() {
        let fixture = OneLane(ringCapacity: 2048, queueCapacity: 16)
        let (lanes, queue) = (fixture.lanes, fixture.queue)
        let sealer = MarkingSealer(lane: 1)
        for value in 0..<3000 {
            _ = queueNumbered(UInt32(value), to: PeerAddress(ipv4: 1, port: 1), sealer: sealer, in: queue)
            if value % 3 == 2 {
                lanes.handOver(queue)
                queue.removeAll()
                while lanes.backlog > 0 { usleep(10) }
            }
        }
        lanes.stop()
        #expect(lanes.lanes[0].ring.highestSlotWritten < 3, "\(lanes.lanes[0].ring.highestSlotWritten)")
        #expect(fixture.sentNumbers == (0..<3000).map(UInt32.init))
    }

    /// Hand-overs that find the ring empty (a restart at slot 0) and ones that find the lane still
    /// busy (no restart) mix without losing, repeating or reordering a datagram.
    @Test func restartsKeepOrderUnderLoad() {
        let fixture = OneLane(ringCapacity: 8, queueCapacity: 8)
        let (lanes, queue) = (fixture.lanes, fixture.queue)
        let sealer = MarkingSealer(lane: 1)
        var next: UInt32 = 0
        for round in 0..<2000 {
            // 1 to 8 datagrams per hand-over, waiting only for room so nothing is dropped.
            let batch = 1 + round % 8
            for _ in 0..<batch {
                _ = queueNumbered(next, to: PeerAddress(ipv4: 1, port: 1), sealer: sealer, in: queue)
                next += 1
            }
            while lanes.backlog + batch > 8 { usleep(5) }
            lanes.handOver(queue)
            queue.removeAll()
        }
        lanes.stop()
        #expect(lanes.ringFullDrops == 0)
        #expect(fixture.sentNumbers == (0..<next).map { $0 })
    }

    /// The interleaving a 4-lane interop run met: the lane loads the tail, the producer then
    /// restarts at slot 0 and publishes, and the lane sees the restart but its older tail.
    @Test func aRestartSeenBeforeItsTailMeansNothingYet() {
        let (ring, queue) = ringOfFourWithThreePublished()
        var position = 0
        #expect(ring.available(tail: ring.tail.load(ordering: .acquiring), position: &position) == 3)
        position = 3
        ring.release(upTo: position)
        let staleTail = ring.tail.load(ordering: .acquiring)
        ring.beginHandOver()
        #expect(ring.push(from: queue, index: 0))
        ring.publish()
        #expect(ring.available(tail: staleTail, position: &position) == 0)
        #expect(position == 4)
        #expect(ring.available(tail: ring.tail.load(ordering: .acquiring), position: &position) == 1)
        #expect(ring.slot(position) == 0)
    }

    /// The backlog counts what was published and not finished; a restart's skipped positions
    /// hold nothing, even before the lane has jumped past them.
    @Test func theBacklogSkipsWhatARestartSkipped() {
        let (ring, queue) = ringOfFourWithThreePublished()
        #expect(ring.backlog == 3)
        ring.release(upTo: 3)
        #expect(ring.backlog == 0)
        ring.beginHandOver()  // restarts at position 4 (slot 0); the lane still stands at 3
        #expect(ring.backlog == 0, "the restart alone publishes nothing")
        #expect(ring.push(from: queue, index: 0) && ring.push(from: queue, index: 1))
        ring.publish()
        #expect(ring.backlog == 2)
    }

    /// A sealer naming a lane that does not exist is a bug, not load: dropped and counted apart.
    @Test func aDatagramForAnUnknownLaneIsCountedApart() {
        let fixture = OneLane(ringCapacity: 8, queueCapacity: 8, started: false)
        let (lanes, queue) = (fixture.lanes, fixture.queue)
        _ = queueNumbered(1, to: PeerAddress(ipv4: 1, port: 1), sealer: MarkingSealer(lane: 5), in: queue)
        _ = queueNumbered(2, to: PeerAddress(ipv4: 1, port: 1), sealer: MarkingSealer(lane: 1), in: queue)
        lanes.handOver(queue)
        queue.removeAll()
        #expect(lanes.unknownLaneDrops == 1 && lanes.ringFullDrops == 0)
        #expect(lanes.start(namePrefix: "test-lane") == 0)
        lanes.stop()
        #expect(fixture.sentNumbers == [2])
    }
}

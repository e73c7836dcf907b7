@testable import BridgeServer
import MediaLanes
import Primitives
import Testing

@Suite struct MediaSocketTests {
    func makeSocket(host: String = "127.0.0.1", sendBatchSize: Int = 16, segmentation: Bool = true) throws -> MediaSocket {
        try MediaSocket(
            binding: try #require(PeerAddress(host: host, port: 0)), receiveBatchSize: 8, sendBatchSize: sendBatchSize,
            segmentation: segmentation)
    }

    /// Waits (up to a second) until `receive` returns at least `count` in total.
    func receiveAll(_ socket: MediaSocket, count: Int) -> [([UInt8], PeerAddress?)] {
        var received: [([UInt8], PeerAddress?)] = []
        for _ in 0..<100 where received.count < count {
            let n = socket.receive()
            for i in 0..<n { received.append((Array(socket.datagram(i)), socket.source(i))) }
            if n == 0 { usleepMilliseconds(10) }
        }
        return received
    }

    @Test func receivesABatchWithSources() throws {
        let socket = try makeSocket()
        let client = try UDPTestClient()
        for i in 0..<20 { #expect(client.send([UInt8(i), 1, 2, 3], to: socket.localAddress)) }
        let received = receiveAll(socket, count: 20)
        #expect(received.count == 20)
        #expect(received.map { $0.0[0] } == (0..<20).map { UInt8($0) })
        #expect(received.allSatisfy { $0.1 == client.localAddress })
    }

    /// One batch holds datagrams that arrived a loop turn apart; each keeps its own arrival time
    /// (the kernel's stamp), which transport-cc feedback reports to the sender.
    @Test func datagramsOfOneBatchKeepTheirOwnArrivalTimes() throws {
        let socket = try makeSocket()
        let client = try UDPTestClient()
        // Linux turns receive timestamping on for a new socket through deferred work: a datagram
        // queued before that has run carries no stamp and is stamped when read, which made the
        // first of the two look 40 ms late now and then. One datagram read first lets it run.
        #expect(client.send([0], to: socket.localAddress))
        usleepMilliseconds(10)
        #expect(socket.receive() == 1)
        let sentFirst = MonotonicClock.now()
        #expect(client.send([1], to: socket.localAddress))
        usleepMilliseconds(40)
        #expect(client.send([2], to: socket.localAddress))
        usleepMilliseconds(20)
        let now = MonotonicClock.now()
        #expect(socket.receive() == 2)
        let first = socket.arrival(0, notAfter: now), second = socket.arrival(1, notAfter: now)
        #expect(first >= sentFirst && second <= now)
        let gap = second.nanoseconds(since: first)
        #expect(gap >= 35_000_000 && gap <= 1_000_000_000, "arrivals \(gap) ns apart, sent 40 ms apart")
        #expect(now.nanoseconds(since: second) >= 15_000_000, "the second arrival is its own, not the batch's")
    }

    @Test func sendsAQueueWithSendmmsg() throws {
        let socket = try makeSocket()
        let client = try UDPTestClient()
        let queue = TransmitQueue(capacity: 16)
        for i in 0..<10 {
            [UInt8](repeating: UInt8(i), count: 100 + i).withUnsafeBytes { _ = queue.append(copying: $0, to: client.localAddress) }
        }
        socket.send(queue)
        #expect(queue.count == 0)
        for i in 0..<10 {
            let datagram = try #require(client.receive(timeoutMilliseconds: 1000))
            #expect(datagram.count == 100 + i && datagram.allSatisfy { $0 == UInt8(i) })
        }
        #expect(socket.sendFailures == 0 && socket.sendBufferFullDrops == 0)
    }

    /// Every datagram of `sizes` to each client, interleaved as a fan-out queues them; byte 0 is
    /// the datagram's number, byte 1 the client's.
    func queueFanOut(_ sizes: [Int], to clients: [UDPTestClient], capacity: Int) -> TransmitQueue {
        let queue = TransmitQueue(capacity: capacity)
        for (number, size) in sizes.enumerated() {
            for (index, client) in clients.enumerated() {
                var bytes = [UInt8](repeating: 0xAB, count: size)
                bytes[0] = UInt8(number)
                bytes[1] = UInt8(index)
                bytes.withUnsafeBytes { _ = queue.append(copying: $0, to: client.localAddress) }
            }
        }
        return queue
    }

    /// Reads `sizes.count` datagrams from each client and checks each arrived whole, alone and in order.
    func expectDelivered(_ sizes: [Int], to clients: [UDPTestClient]) throws {
        for (index, client) in clients.enumerated() {
            for (number, size) in sizes.enumerated() {
                let datagram = try #require(client.receive(timeoutMilliseconds: 1000), "client \(index) datagram \(number)")
                #expect(datagram.count == size && datagram[0] == UInt8(number) && datagram[1] == UInt8(index))
                #expect(datagram.dropFirst(2).allSatisfy { $0 == 0xAB })
            }
            #expect(client.receive(timeoutMilliseconds: 0) == nil, "client \(index) got more than was sent")
        }
    }

    /// A key frame fanned out: each receiver's datagrams leave as segmented sends of one size (the
    /// last may be shorter, so a shorter one ends a send and a longer one starts the next), and
    /// each receiver still gets them one by one, in order.
    @Test(arguments: ["127.0.0.1", "::"])
    func segmentsEachReceiversDatagramsInOrder(host: String) throws {
        let socket = try makeSocket(host: host, sendBatchSize: 64)
        #expect(socket.segments)
        let clients = try (0..<3).map { _ in try UDPTestClient() }
        let sizes = [1200, 1200, 1200, 1100, 1200, 1300, 1300, 900]
        socket.send(queueFanOut(sizes, to: clients, capacity: 64))
        try expectDelivered(sizes, to: clients)
        // Per receiver: [1200 ×3, 1100] and [1300, 1300, 900] segmented, the lone 1200 between alone.
        #expect(socket.segmentation == SegmentationCounters(datagrams: 7 * 3, refusals: 0))
        #expect(socket.sendFailures == 0 && socket.sendBufferFullDrops == 0)
    }

    /// The kernel takes at most 64 segments per send; a longer run is split, and datagrams too
    /// large for a 1500-byte path are never segmented.
    @Test func longRunsSplitAndLargeDatagramsGoAlone() throws {
        let socket = try makeSocket(sendBatchSize: 128)
        let client = try UDPTestClient()
        let sizes = Array(repeating: 1000, count: 100) + [1450, 1450]
        socket.send(queueFanOut(sizes, to: [client], capacity: 128))
        try expectDelivered(sizes, to: [client])
        #expect(socket.segmentation.datagrams == 100)
    }

    /// Many receivers, sizes drawn at random (runs form and break anywhere): each receiver still
    /// gets exactly its datagrams, whole and in order, whatever was coalesced.
    @Test(arguments: [1, 2, 3]) func randomFanOutsKeepEveryReceiversOrder(seed: UInt64) throws {
        let socket = try makeSocket(sendBatchSize: 1024)
        let clients = try (0..<20).map { _ in try UDPTestClient() }
        var random = SplitMix64(seed: seed)
        let choices = [1000, 1000, 1000, 1000, 700, 1200, 1450]
        let sizes = (0..<40).map { _ in choices[Int(random.next() % UInt64(choices.count))] }
        socket.send(queueFanOut(sizes, to: clients, capacity: 1024))
        try expectDelivered(sizes, to: clients)
        #expect(socket.segmentation.datagrams > 0 && socket.segmentation.refusals == 0)
        #expect(socket.sendFailures == 0 && socket.sendBufferFullDrops == 0)
    }

    @Test func withoutSegmentationEachDatagramGoesAlone() throws {
        let socket = try makeSocket(segmentation: false)
        #expect(!socket.segments)
        let clients = try (0..<2).map { _ in try UDPTestClient() }
        let sizes = [1200, 1200, 1200]
        socket.send(queueFanOut(sizes, to: clients, capacity: 16))
        try expectDelivered(sizes, to: clients)
        #expect(socket.segmentation == SegmentationCounters())
    }

    /// A way out that cannot segment (here: a socket without UDP checksums, which the kernel
    /// refuses to segment) gets every datagram one by one; after 64 refusals in a row the socket
    /// stops trying.
    @Test func refusedSegmentationFallsBackToSingleDatagrams() throws {
        let socket = try makeSocket()
        var on: Int32 = 1
        #expect(setsockopt(socket.descriptor, SOL_SOCKET, SO_NO_CHECK, &on, socklen_t(MemoryLayout<Int32>.size)) == 0)
        let client = try UDPTestClient()
        let sizes = [800, 800, 800]
        socket.send(queueFanOut(sizes, to: [client], capacity: 16))
        try expectDelivered(sizes, to: [client])
        #expect(socket.segmentation == SegmentationCounters(datagrams: 0, refusals: 1))
        #expect(socket.sendFailures == 0)
        for _ in 1..<64 {
            socket.send(queueFanOut([500, 500], to: [client], capacity: 16))
            try expectDelivered([500, 500], to: [client])
        }
        #expect(socket.segmentation.refusals == 64)
        #expect(!socket.segments)
        socket.send(queueFanOut([500, 500], to: [client], capacity: 16))
        try expectDelivered([500, 500], to: [client])
        #expect(socket.segmentation.refusals == 64)
    }

    /// A media lane's output segments as the receiving thread's socket does.
    @Test func laneOutputSegments() throws {
        let socket = try makeSocket()
        let output = try #require(SocketLaneOutput(socket: socket, segmentation: true))
        let client = try UDPTestClient()
        let memory = UnsafeMutableRawBufferPointer.allocate(byteCount: 5 * 1000, alignment: 8)
        defer { memory.deallocate() }
        memory.initializeMemory(as: UInt8.self, repeating: 0xAB)
        for index in 0..<5 {
            memory[index * 1000] = UInt8(index)
            memory[index * 1000 + 1] = 0
            output.prepare(index, bytes: memory.baseAddress! + index * 1000, length: 1000, to: client.localAddress)
        }
        let result = output.flush(count: 5)
        #expect(result.segmented == 5 && result.failed == 0 && result.dropped == 0)
        try expectDelivered(Array(repeating: 1000, count: 5), to: [client])
    }

    /// Datagrams the kernel drops for want of receive-buffer room are counted (SO_RXQ_OVFL), as
    /// of the next datagram read after them: nothing is lost from sight.
    @Test func kernelReceiveDropsAreCounted() throws {
        let socket = try makeSocket()
        var small: Int32 = 4096
        #expect(setsockopt(socket.descriptor, SOL_SOCKET, SO_RCVBUF, &small, socklen_t(MemoryLayout<Int32>.size)) == 0)
        let client = try UDPTestClient()
        for i in 0..<200 { #expect(client.send([UInt8(i % 256)] + [UInt8](repeating: 0, count: 999), to: socket.localAddress)) }
        let delivered = receiveAll(socket, count: 200).count
        #expect(delivered < 200, "a 4 KB buffer held 200 datagrams of 1000 bytes")
        #expect(client.send([1], to: socket.localAddress))  // carries the count of every drop before it
        #expect(receiveAll(socket, count: 1).count == 1)
        #expect(socket.receiveBufferDrops == UInt64(200 - delivered))
    }

    @Test func dualStackSocketSeesIPv4Peers() throws {
        let socket = try makeSocket(host: "::")
        let client = try UDPTestClient()
        let target = PeerAddress(ipv4: 0x7F00_0001, port: socket.localAddress.port)
        #expect(client.send([9, 9], to: target))
        let received = receiveAll(socket, count: 1)
        #expect(received.first?.1 == client.localAddress)
        // And replies to an IPv4 peer go out v4-mapped.
        let queue = TransmitQueue(capacity: 4)
        [UInt8]([7]).withUnsafeBytes { _ = queue.append(copying: $0, to: client.localAddress) }
        socket.send(queue)
        #expect(client.receive(timeoutMilliseconds: 1000) == [7])
    }

    @Test func unreachableFamilyIsSkippedNotFatal() throws {
        let socket = try makeSocket()
        let client = try UDPTestClient()
        let queue = TransmitQueue(capacity: 4)
        let v6 = try #require(PeerAddress(host: "::1", port: 9))
        [UInt8]([1]).withUnsafeBytes { _ = queue.append(copying: $0, to: v6) }
        [UInt8]([2]).withUnsafeBytes { _ = queue.append(copying: $0, to: client.localAddress) }
        socket.send(queue)
        #expect(socket.sendFailures == 1)
        #expect(client.receive(timeoutMilliseconds: 1000) == [2])
    }
}

#if canImport(Glibc)
import Glibc
#endif

func usleepMilliseconds(_ milliseconds: UInt32) { usleep(milliseconds * 1000) }

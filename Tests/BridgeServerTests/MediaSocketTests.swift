@testable import BridgeServer
import Primitives
import Testing

@Suite struct MediaSocketTests {
    func makeSocket(host: String = "127.0.0.1") throws -> MediaSocket {
        try MediaSocket(binding: try #require(PeerAddress(host: host, port: 0)), receiveBatchSize: 8, sendBatchSize: 16)
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

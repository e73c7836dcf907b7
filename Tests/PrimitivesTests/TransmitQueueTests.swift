import Testing
@testable import Primitives

@Suite struct TransmitQueueTests {
    @Test func appendsAndFlushesWhenFull() {
        let queue = TransmitQueue(capacity: 2)
        var flushed = 0
        queue.flushHandler = { q in flushed += q.count; q.removeAll() }
        let to = PeerAddress(ipv4: 0x7F00_0001, port: 9)
        for i in 0..<5 {
            [UInt8(i), 1, 2].withUnsafeBytes { queue.append(copying: $0, to: to) }
        }
        #expect(flushed == 4)
        #expect(queue.count == 1)
        #expect(queue.datagram(0).first == 4)
        #expect(queue.destination(0) == to)
    }

    @Test func dropsWithoutHandler() {
        let queue = TransmitQueue(capacity: 1)
        let to = PeerAddress(ipv4: 1, port: 1)
        [UInt8(1)].withUnsafeBytes { queue.append(copying: $0, to: to) }
        [UInt8(2)].withUnsafeBytes { #expect(!queue.append(copying: $0, to: to)) }
        #expect(queue.overflowDrops == 1)
    }

    @Test func removeFirstKeepsTheRest() {
        let queue = TransmitQueue(capacity: 4)
        let to = PeerAddress(ipv4: 1, port: 1)
        for i in 0..<3 { [UInt8(i)].withUnsafeBytes { queue.append(copying: $0, to: to) } }
        queue.removeFirst(2)
        #expect(queue.count == 1)
        #expect(queue.datagram(0).first == 2)
    }
}

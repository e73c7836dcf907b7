import CLoadSupport
import Testing

/// The load generator's wait over all its peers' sockets: a run of 600 receivers has over 1024
/// sockets, and the poll array it replaced stopped at 1024, so peers past it were never read.
@Suite struct LoadWaiterTests {
    static let loopback: UInt32 = 0x7F00_0001

    @Test func aSocketPastTheOld1024LimitIsReportedReady() throws {
        let count = 1_100
        let fds = (0..<count).map { _ in load_udp_open(Self.loopback, 0, 65_536) }
        defer { fds.filter { $0 >= 0 }.forEach { load_close($0) } }
        try #require(fds.allSatisfy { $0 >= 0 }, "could not open \(count) UDP sockets (descriptor limit?)")
        let waiter = fds.withUnsafeBufferPointer { load_waiter_open($0.baseAddress, Int32(count)) }
        defer { load_waiter_close(waiter) }
        try #require(waiter >= 0)
        var ready = [UInt8](repeating: 1, count: count)

        // Nothing sent: a timeout, every mark cleared.
        let idle = ready.withUnsafeMutableBufferPointer { load_waiter_wait(waiter, Int32(count), 1_000_000, $0.baseAddress) }
        #expect(idle == 0 && ready.allSatisfy { $0 == 0 })

        let last = count - 1
        let sender = load_udp_open(Self.loopback, 0, 65_536)
        defer { load_close(sender) }
        var slab = [UInt8](repeating: 7, count: 16)
        var length: Int32 = 16
        var address = Self.loopback
        var port = UInt16(load_udp_port(fds[last]))
        let sent = load_send_batch(sender, &slab, 16, 1, &length, &address, &port)
        #expect(sent == 1)
        let marked = ready.withUnsafeMutableBufferPointer { load_waiter_wait(waiter, Int32(count), 1_000_000_000, $0.baseAddress) }
        #expect(marked == 1)
        #expect(ready[last] == 1)
        #expect(ready.firstIndex(of: 1) == last)
    }
}

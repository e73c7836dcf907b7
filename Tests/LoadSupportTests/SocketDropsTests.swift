import CLoadSupport
import Glibc
import Testing

/// The capacity run stops at the first datagram the kernel drops on the run's own sockets; the
/// count is read from /proc/net/udp, which a short read once left at 0 while drops happened.
@Suite struct SocketDropsTests {
    static let loopback: UInt32 = 0x7F00_0001

    @Test func aFullReceiveBufferIsCountedForItsProcess() throws {
        let receiver = load_udp_open(Self.loopback, 0, 2_048)
        let sender = load_udp_open(Self.loopback, 0, 1 << 20)
        defer {
            load_close(receiver)
            load_close(sender)
        }
        try #require(receiver >= 0 && sender >= 0)
        var pid = Int32(getpid())
        let before = load_socket_drops(&pid, 1)
        try #require(before >= 0)

        // Nobody reads: a few datagrams fill the smallest buffer, the rest are dropped.
        let count = 64
        var slab = [UInt8](repeating: 7, count: count * 1_000)
        var lengths = [Int32](repeating: 1_000, count: count)
        var addresses = [UInt32](repeating: Self.loopback, count: count)
        var ports = [UInt16](repeating: UInt16(load_udp_port(receiver)), count: count)
        let sent = load_send_batch(sender, &slab, 1_000, Int32(count), &lengths, &addresses, &ports)
        #expect(sent == Int32(count))

        let after = load_socket_drops(&pid, 1)
        #expect(after - before >= 32)
        // Another process's sockets are not this one's.
        var nobody: Int32 = 0
        #expect(load_socket_drops(&nobody, 1) == 0)
    }
}

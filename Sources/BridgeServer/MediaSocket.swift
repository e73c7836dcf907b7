import CMediaSocket
import Primitives

/// The media port: one non-blocking UDP socket with a receive slab and a send batch, both
/// allocated once. Owned by the media thread after start; nothing here allocates per call.
final class MediaSocket {
    /// The kernel buffer size asked for, as JVB does for its single port (10 MB).
    static let kernelBufferBytes: Int32 = 10 * 1024 * 1024
    /// Bytes per receive slot: a full Ethernet MTU with room for SRTP trailers.
    static let receiveSlotSize = 2048

    let descriptor: Int32
    /// The bound address, with the kernel-chosen port if 0 was asked for.
    let localAddress: PeerAddress
    private let receiveBatch: OpaquePointer
    private let sendBatch: OpaquePointer

    /// Send-side drops since start, by cause (read only on the media thread).
    private(set) var sendFailures: UInt64 = 0
    private(set) var sendBufferFullDrops: UInt64 = 0
    private(set) var lastSendError: Int32 = 0
    /// Datagrams the kernel dropped since start because the receive buffer was full (the media
    /// thread fell behind): no counter of the engine can see these.
    private(set) var receiveBufferDrops: UInt64 = 0
    private var lastOverflowReport: UInt32 = 0
    /// Sends by segmentation (UDP GSO) since start: datagrams carried, and segmented sends the
    /// kernel refused (sent again one by one).
    private(set) var segmentation = SegmentationCounters()

    /// `segmentation`: send a destination's queued datagrams as one segmented send where the kernel can.
    init(binding address: PeerAddress, receiveBatchSize: Int, sendBatchSize: Int, segmentation: Bool = true)
        throws(MediaSocketError)
    {
        var bindAddress = address.mediaSocketAddress
        let fd = ms_udp_open(&bindAddress, Self.kernelBufferBytes)
        guard fd >= 0 else { throw .bindFailed(address: address.description, errno: -fd) }
        var local = ms_addr()
        guard ms_local_address(fd, &local) == 0, let bound = PeerAddress(local),
            let rx = ms_batch_create(fd, UInt32(receiveBatchSize), Self.receiveSlotSize),
            let tx = ms_batch_create(fd, UInt32(sendBatchSize), 0)
        else {
            ms_close(fd)
            throw .batchAllocationFailed
        }
        descriptor = fd
        localAddress = bound
        receiveBatch = rx
        sendBatch = tx
        if segmentation { _ = ms_batch_segment(tx, fd) }
    }

    /// Whether sends are segmented (asked for, the kernel can, and the way out has not refused).
    var segments: Bool { ms_batch_segments(sendBatch) != 0 }

    deinit {
        ms_batch_destroy(receiveBatch)
        ms_batch_destroy(sendBatch)
        ms_close(descriptor)
    }

    /// The effective kernel buffer sizes (receive, send), for one startup log line.
    var kernelBufferSizes: (receive: Int32, send: Int32) {
        var receive: Int32 = 0
        var send: Int32 = 0
        _ = ms_buffer_sizes(descriptor, &receive, &send)
        return (receive, send)
    }

    /// Reads up to one batch of datagrams; returns how many arrived (0 if none or on error).
    func receive() -> Int {
        let count = ms_receive(descriptor, receiveBatch)
        guard count > 0 else { return 0 }
        // The kernel's count only grows (wrapping at 2^32); what it grew by since the last report is new.
        let report = ms_receive_overflows(receiveBatch)
        receiveBufferDrops &+= UInt64(report &- lastOverflowReport)
        lastOverflowReport = report
        return Int(count)
    }

    /// The bytes of received datagram `index` (valid until the next `receive`).
    func datagram(_ index: Int) -> UnsafeMutableRawBufferPointer {
        let i = UInt32(truncatingIfNeeded: index)
        return UnsafeMutableRawBufferPointer(start: ms_slot(receiveBatch, i), count: ms_received_length(receiveBatch, i))
    }

    /// When datagram `index` reached the socket (kernel timestamp, monotonic scale), never later
    /// than `now`, the time the loop turn started after it.
    func arrival(_ index: Int, notAfter now: Instant) -> Instant {
        let stamp = Instant(nanoseconds: ms_arrival_ns(receiveBatch, UInt32(truncatingIfNeeded: index)))
        return min(stamp, now)
    }

    /// True if datagram `index` was larger than its slot.
    func isTruncated(_ index: Int) -> Bool { ms_truncated(receiveBatch, UInt32(truncatingIfNeeded: index)) != 0 }

    /// The source of datagram `index`, or nil for an address family we do not speak.
    func source(_ index: Int) -> PeerAddress? {
        var address = ms_addr()
        guard ms_source(receiveBatch, UInt32(truncatingIfNeeded: index), &address) == 0 else { return nil }
        return PeerAddress(address)
    }

    /// Sends everything queued with `sendmmsg` and empties the queue. The queue's capacity must
    /// not exceed the send batch's.
    func send(_ queue: TransmitQueue) {
        let queued = queue.count
        guard queued > 0 else { return }
        for index in 0..<queued {
            var destination = queue.destination(index).mediaSocketAddress
            ms_set_message(sendBatch, UInt32(index), queue.slotStart(index), queue.length(index), &destination)
        }
        // One millisecond of waiting for room is a good trade: a full buffer means a burst, and
        // the loop's next turn is at most one batch away.
        let result = ms_send(descriptor, sendBatch, UInt32(queued), 1)
        sendFailures &+= UInt64(result.failed)
        sendBufferFullDrops &+= UInt64(result.dropped)
        if result.last_error != 0 { lastSendError = result.last_error }
        segmentation.add(result)
        queue.removeAll()
    }
}

/// What segmented sends (UDP GSO) did since start, on one thread.
struct SegmentationCounters: Sendable, Equatable {
    /// Datagrams that left inside segmented sends.
    var datagrams: UInt64 = 0
    /// Segmented sends the kernel refused; their datagrams were sent one by one.
    var refusals: UInt64 = 0

    mutating func add(_ result: ms_send_result) {
        datagrams &+= UInt64(result.segmented)
        refusals &+= UInt64(result.refused)
    }
}

public import Primitives

/// Where a lane's sealed datagrams go: the media socket's `sendmmsg`, or nowhere in the
/// socket-free benchmark. Called only from the lane's thread, once per datagram and once per batch.
public protocol LaneOutput: AnyObject {
    /// The most datagrams one `flush` takes.
    var batchCapacity: Int { get }
    /// Sets batch entry `index`: `length` bytes at `bytes` to `destination` (valid until `flush`).
    func prepare(_ index: Int, bytes: UnsafeRawPointer, length: Int, to destination: PeerAddress)
    /// Sends entries 0..<count.
    func flush(count: Int) -> LaneSendResult
}

/// What one `flush` could not send.
public struct LaneSendResult: Sendable {
    /// Datagrams the kernel refused (bad route or address).
    public var failed: Int
    /// Datagrams dropped because the send buffer stayed full.
    public var dropped: Int
    /// Datagrams sent inside segmented sends (UDP GSO).
    public var segmented: Int
    /// Segmented sends the kernel refused (their datagrams went one by one).
    public var segmentationRefusals: Int

    public init(failed: Int = 0, dropped: Int = 0, segmented: Int = 0, segmentationRefusals: Int = 0) {
        self.failed = failed
        self.dropped = dropped
        self.segmented = segmented
        self.segmentationRefusals = segmentationRefusals
    }
}

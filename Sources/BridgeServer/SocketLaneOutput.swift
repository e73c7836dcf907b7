import CMediaSocket
import MediaLanes
import Primitives

/// A media lane's way out: its own `sendmmsg` batch on the shared media socket (the kernel
/// serialises concurrent senders on one UDP socket; each lane keeps its own message headers).
final class SocketLaneOutput: LaneOutput {
    let batchCapacity: Int
    private let descriptor: Int32
    private let batch: OpaquePointer

    init?(socket: MediaSocket, batchCapacity: Int = 64) {
        guard let batch = ms_batch_create(socket.descriptor, UInt32(batchCapacity), 0) else { return nil }
        self.batchCapacity = batchCapacity
        descriptor = socket.descriptor
        self.batch = batch
    }

    deinit { ms_batch_destroy(batch) }

    func prepare(_ index: Int, bytes: UnsafeRawPointer, length: Int, to destination: PeerAddress) {
        var address = destination.mediaSocketAddress
        ms_set_message(batch, UInt32(index), bytes, length, &address)
    }

    func flush(count: Int) -> LaneSendResult {
        let result = ms_send(descriptor, batch, UInt32(count), 1)
        return LaneSendResult(failed: Int(result.failed), dropped: Int(result.dropped))
    }
}

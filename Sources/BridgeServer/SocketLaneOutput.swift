import CMediaSocket
import MediaLanes
import Primitives

/// A media lane's way out: its own `sendmmsg` batch on the shared media socket (the kernel
/// serialises concurrent senders on one UDP socket; each lane keeps its own message headers).
final class SocketLaneOutput: LaneOutput {
    let batchCapacity: Int
    private let descriptor: Int32
    private let batch: OpaquePointer

    /// `batchCapacity` bounds a flush; a lane that fell behind takes that many at once, and the
    /// more of them go to one receiver, the more one segmented send carries (`segmentation`).
    init?(socket: MediaSocket, segmentation: Bool, batchCapacity: Int = 256) {
        guard let batch = ms_batch_create(socket.descriptor, UInt32(batchCapacity), 0) else { return nil }
        if segmentation { _ = ms_batch_segment(batch, socket.descriptor) }
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
        return LaneSendResult(
            failed: Int(result.failed), dropped: Int(result.dropped), segmented: Int(result.segmented),
            segmentationRefusals: Int(result.refused))
    }
}

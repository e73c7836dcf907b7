public import Primitives
import RTP

/// The receivers' half of forwarding, and how it is spread over the media threads.
///
/// Each receiver belongs to one media thread (its `Endpoint.lane`), which alone selects,
/// rewrites, seals and sends for it while packets are fanned out. The receiving thread keeps
/// every other piece of state: it settles the pending packets (all threads serve their receivers
/// at once and it waits for them) before it touches anything a receiver's forwarding reads — any
/// datagram other than RTP, an allocation, a timer, a Colibri2 request — so each receiver sees
/// its packets, feedback and allocations in the order a single thread would have given them.
extension BridgeEngine {
    /// Serves `item`'s receivers now (one media thread), or keeps it for `settleFanOut`.
    @inline(__always)
    func fanOut(_ item: FanOutItem, transmit: TransmitQueue) {
        if fanOutShares.count > 1 {
            pendingFanOut.append(item)
            return
        }
        let share = fanOutShares[0]
        share.begin(count: 1)
        serve(item, index: 0, lane: 0, share: share, transmit: transmit)
        conclude(item, index: 0)
    }

    /// Whether packets wait for their receivers (only with more than one media thread).
    public var hasPendingFanOut: Bool { !pendingFanOut.isEmpty }

    /// Serves the pending packets' receivers on every media thread (`fanOutRunner`, else each
    /// lane in turn on this thread, lane 0's into `transmit`), then caches what was forwarded and
    /// sends the bridge-channel messages forwarding called for. Received bytes must stay as they
    /// were until this returns.
    public func settleFanOut(transmit: TransmitQueue) {
        guard !pendingFanOut.isEmpty else { return }
        if let fanOutRunner {
            var copies = 0
            for item in pendingFanOut { copies += item.conference.endpoints.count - 1 }
            fanOutRunner(transmit, copies)
        } else {
            for lane in fanOutShares.indices { fanOut(lane: lane, transmit: transmit) }
        }
        for index in pendingFanOut.indices { conclude(pendingFanOut[index], index: index) }
        pendingFanOut.removeAll(keepingCapacity: true)
    }

    /// Serves the pending packets' receivers that belong to `lane`, into `transmit`. Called by
    /// `fanOutRunner` on the lane's own thread, every lane at once, while the receiving thread
    /// waits in `settleFanOut`: nothing here writes what another lane reads.
    public func fanOut(lane: Int, transmit: TransmitQueue) {
        let share = fanOutShares[lane]
        share.begin(count: pendingFanOut.count)
        for index in pendingFanOut.indices {
            serve(pendingFanOut[index], index: index, lane: lane, share: share, transmit: transmit)
        }
    }

    /// Caches a video packet some receiver got (only such a packet can be NACKed: a layer nobody
    /// is sent, the 720p encoding while everyone watches tiles, takes no cache at all) and tells
    /// receivers their new audio mappings.
    private func conclude(_ item: FanOutItem, index: Int) {
        if case .video = item.target, fanOutShares.contains(where: { $0.forwarded[index] }) {
            item.stream.remember(item.packet.bytes, sequenceNumber: item.packet.header.sequenceNumber, now: item.packet.now)
        }
        for share in fanOutShares where !share.newAudioMappings.isEmpty {
            for (source, endpoint) in share.takeNewAudioMappings() { sendAudioMap(of: source, to: endpoint) }
        }
    }

    /// One packet to every receiver of `lane`.
    @inline(__always)
    private func serve(_ item: FanOutItem, index: Int, lane: Int, share: FanOutShare, transmit: TransmitQueue) {
        let receivers = item.conference.receiversByLane[lane]
        switch item.target {
        case .audio(let source):
            serveAudio(item, of: source, to: receivers, index: index, share: share, transmit: transmit)
        case .video(let source):
            for endpoint in receivers where endpoint !== item.sender && endpoint.media.acceptsVideo {
                guard let address = endpoint.address, let outbound = endpoint.outboundSRTP else { continue }
                let sent = endpoint.receiver.forwardVideo(item.packet, of: source, to: address, protectedBy: outbound, transmit: transmit)
                share.countSent(sent, item: index)
            }
        case .padding(let source, let encodingIndex):
            for endpoint in receivers where endpoint !== item.sender {
                endpoint.receiver.hidePadding(item.packet.header.sequenceNumber, of: source, encodingIndex: encodingIndex)
            }
        }
    }

    /// Audio: unchanged for receivers that do not rewrite, under an audio slot for those that do.
    @inline(__always)
    private func serveAudio(
        _ item: FanOutItem, of source: AudioSource, to receivers: [Endpoint], index: Int, share: FanOutShare, transmit: TransmitQueue
    ) {
        // Stateless and thread-safe: each thread may draw from its own.
        var random = SystemRandomNumberGenerator()
        let conference = item.conference
        for endpoint in receivers where endpoint !== item.sender && endpoint.media.acceptsAudio {
            guard let address = endpoint.address, let outbound = endpoint.outboundSRTP else { continue }
            var isNewMapping = false
            let sent = endpoint.receiver.rewritesSSRCs
                ? endpoint.receiver.forwardAudio(
                    item.packet, of: source, to: address, protectedBy: outbound, transmit: transmit, random: &random,
                    isSSRCInUse: conference.isSSRCInUse, isNewMapping: &isNewMapping)
                : endpoint.receiver.forwardAudioUnchanged(item.packet, to: address, protectedBy: outbound, transmit: transmit)
            if isNewMapping { share.noteNewAudioMapping(of: source, to: endpoint) }
            endpoint.receiver.downlink.audioBytesSent &+= UInt64(sent)
            share.countSent(sent, item: index)
        }
    }
}

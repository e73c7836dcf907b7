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
    /// Serves the packet's receivers now (one media thread), or keeps it for `settleFanOut`.
    @inline(__always)
    func fanOut(
        _ packet: IncomingPacket, to target: FanOutItem.Target, from sender: Endpoint, in conference: Conference,
        stream: InboundStream, transmit: TransmitQueue
    ) {
        guard fanOutShares.count == 1 else {
            pendingFanOut.append(FanOutItem(packet: packet, target: target, sender: sender, conference: conference, stream: stream))
            return
        }
        let share = fanOutShares[0]
        let tally = serve(packet, to: target, from: sender, in: conference, lane: 0, share: share, transmit: transmit)
        share.add(tally)
        cacheIfForwarded(packet, to: target, stream: stream, isForwarded: tally.packets > 0)
        announceNewAudioMappings()
    }

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
        for index in pendingFanOut.indices {
            let item = pendingFanOut[index]
            let isForwarded = fanOutShares.contains { $0.forwarded[index] }
            cacheIfForwarded(item.packet, to: item.target, stream: item.stream, isForwarded: isForwarded)
        }
        pendingFanOut.removeAll(keepingCapacity: true)
        announceNewAudioMappings()
    }

    /// Serves the pending packets' receivers that belong to `lane`, into `transmit`. Called by
    /// `fanOutRunner` on the lane's own thread, every lane at once, while the receiving thread
    /// waits in `settleFanOut`: nothing here writes what another lane reads.
    public func fanOut(lane: Int, transmit: TransmitQueue) {
        let share = fanOutShares[lane]
        share.begin(count: pendingFanOut.count)
        for index in pendingFanOut.indices {
            let item = pendingFanOut[index]
            let tally = serve(
                item.packet, to: item.target, from: item.sender, in: item.conference, lane: lane, share: share, transmit: transmit)
            share.add(tally, item: index)
        }
    }

    /// Caches a video packet some receiver got: only such a packet can be NACKed, so a layer
    /// nobody is sent (the 720p encoding while everyone watches tiles) takes no cache at all.
    @inline(__always)
    private func cacheIfForwarded(_ packet: IncomingPacket, to target: FanOutItem.Target, stream: InboundStream, isForwarded: Bool) {
        if isForwarded, case .video = target {
            stream.remember(packet.bytes, sequenceNumber: packet.header.sequenceNumber, now: packet.now)
        }
    }

    /// Tells receivers the audio mappings forwarding gave them (the bridge channel belongs to the
    /// receiving thread).
    @inline(__always)
    private func announceNewAudioMappings() {
        for share in fanOutShares where share.hasNewAudioMappings {
            for (source, endpoint) in share.takeNewAudioMappings() { sendAudioMap(of: source, to: endpoint) }
        }
    }

    /// One packet to every receiver of `lane`; returns what went out.
    @inline(__always)
    private func serve(
        _ packet: IncomingPacket, to target: FanOutItem.Target, from sender: Endpoint, in conference: Conference, lane: Int,
        share: FanOutShare, transmit: TransmitQueue
    ) -> FanOutTally {
        var tally = FanOutTally()
        switch target {
        case .audio(let source):
            // Stateless and thread-safe: each thread may draw from its own.
            var random = SystemRandomNumberGenerator()
            for endpoint in conference.receiversByLane[lane] where endpoint !== sender && endpoint.media.acceptsAudio {
                guard let address = endpoint.address, let outbound = endpoint.outboundSRTP else { continue }
                var isNewMapping = false
                // Unchanged for receivers that do not rewrite, under an audio slot for those that do.
                let sent = endpoint.receiver.rewritesSSRCs
                    ? endpoint.receiver.forwardAudio(
                        packet, of: source, to: address, protectedBy: outbound, transmit: transmit, random: &random,
                        isSSRCInUse: conference.isSSRCInUse, isNewMapping: &isNewMapping)
                    : endpoint.receiver.forwardAudioUnchanged(packet, to: address, protectedBy: outbound, transmit: transmit)
                if isNewMapping { share.noteNewAudioMapping(of: source, to: endpoint) }
                endpoint.receiver.downlink.audioBytesSent &+= UInt64(sent)
                tally.count(sent)
            }
        case .video(let source):
            for endpoint in conference.receiversByLane[lane] where endpoint !== sender && endpoint.media.acceptsVideo {
                guard let address = endpoint.address, let outbound = endpoint.outboundSRTP else { continue }
                tally.count(endpoint.receiver.forwardVideo(packet, of: source, to: address, protectedBy: outbound, transmit: transmit))
            }
        case .padding(let source, let encodingIndex):
            for endpoint in conference.receiversByLane[lane] where endpoint !== sender {
                endpoint.receiver.hidePadding(packet.header.sequenceNumber, of: source, encodingIndex: encodingIndex)
            }
        }
        return tally
    }
}

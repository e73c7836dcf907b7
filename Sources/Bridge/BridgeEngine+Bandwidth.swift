import Colibri
import CongestionControl
import Primitives
import RTP

extension BridgeEngine {
    /// JVB sends `ConnectionStats` every 10 s (docs/colibri2.md §5.6).
    static let connectionStatsIntervalMilliseconds: Int64 = 10_000

    /// A receiver's transport-cc feedback about the packets the bridge sent it: the estimate of its
    /// link moves, and allocation re-runs when it moved far enough from the one allocated with.
    func noteDownlinkFeedback(_ feedback: RTCPTransportCC, from endpoint: Endpoint, in conference: Conference, now: Instant) {
        let receiver = endpoint.receiver
        guard receiver.downlink.extensionID != nil else { return }
        let estimate = receiver.downlink.handle(feedback, now: now)
        if VideoAllocator.isSignificantBandwidthChange(from: receiver.downlink.loggedEstimateBps, to: estimate) {
            receiver.downlink.loggedEstimateBps = estimate
            let estimator = receiver.downlink.estimator
            log(.debug, "endpoint \(endpoint.id) downlink estimate \(estimate / 1000) kbit/s (delay-based "
                + "\(Int(estimator.delayBasedBitsPerSecond / 1000)), loss-based \(Int(estimator.lossBasedBitsPerSecond / 1000)), "
                + "acknowledged \(Int((estimator.acknowledgedBitsPerSecond ?? 0) / 1000)), loss \(Int(estimator.lossFraction * 100)) %, "
                + "probe \(estimator.lastProbeResult.map { "\(Int($0.bitsPerSecond / 1000))" } ?? "-"))")
        }
        guard configuration.trustsBandwidthEstimate else { return }
        applyFillPadding(to: receiver, now: now)
        if VideoAllocator.isSignificantBandwidthChange(from: receiver.allocatedEstimateBps, to: estimate) {
            conference.allocationDue = true
        }
        if let result = receiver.downlink.estimator.lastProbeResult {
            receiver.downlink.prober.noteResult(cluster: result.cluster, bitsPerSecond: result.bitsPerSecond, now: now)
        }
        planProbe(for: receiver, now: now)
    }

    /// Sets the receiver's probing rate after an allocation: padding fills the gap between what
    /// its forwarded layers use and the lower of its estimate and what it would like, so the
    /// estimate can climb to where the next layer fits. Only when allocation spends estimates.
    func updateProbing(of receiver: Receiver, after allocation: VideoAllocation, now: Instant) {
        guard configuration.trustsBandwidthEstimate, let estimate = receiver.downlink.estimateBps else {
            receiver.downlink.fillPaddingBps = 0
            receiver.padding.setRate(0, now: now)
            return
        }
        // Audio shares the link: video and padding fill what it leaves of the estimate.
        let audio = receiver.downlink.audioBitsPerSecond
        receiver.downlink.fillPaddingBps = PaddingPacer.rate(
            estimate: Double(estimate - audio), target: Double(allocation.targetBitrateBps),
            ideal: Double(allocation.idealBitrateBps))
        applyFillPadding(to: receiver, now: now)
        receiver.downlink.wantedBps = allocation.idealBitrateBps + audio
        planProbe(for: receiver, now: now)
    }

    /// Fill padding runs at the allocation's rate while the link is not congested: on a congested
    /// one it only lengthens the queue the receiver's repairs and next key frame wait behind.
    private func applyFillPadding(to receiver: Receiver, now: Instant) {
        receiver.padding.setRate(receiver.downlink.estimator.isCongested ? 0 : receiver.downlink.fillPaddingBps, now: now)
    }

    /// Starts a probe cluster when the receiver wants more than its estimate (`ProbeController`).
    private func planProbe(for receiver: Receiver, now: Instant) {
        guard let estimate = receiver.downlink.estimateBps,
            let cluster = receiver.downlink.prober.plan(
                estimate: Double(estimate), wanted: Double(receiver.downlink.wantedBps),
                isCongested: receiver.downlink.estimator.isCongested, now: now)
        else { return }
        receiver.padding.startCluster(cluster, now: now)
    }

    /// Sends a receiver the probing padding due now.
    func sendProbePadding(_ endpoint: Endpoint, now: Instant, transmit: TransmitQueue) {
        guard let due = endpoint.receiver.padding.nextDeadline, due <= now, let address = endpoint.address,
            let outbound = endpoint.outboundSRTP
        else { return }
        let sent = endpoint.receiver.sendPadding(
            now: now, to: address, protectedBy: outbound, transmit: transmit,
            rtxPayloadType: { endpoint.media.rtxPayloadType[Int($0 & 0x7F)] }, random: &random)
        counters.probePaddingBytesSent &+= UInt64(sent)
        countSent(sent)
    }

    /// Tells a receiver what the bridge estimates its downlink to be, as JVB does, every 10 s.
    func sendConnectionStats(_ endpoint: Endpoint, now: Instant) {
        let receiver = endpoint.receiver
        guard let estimate = receiver.downlink.estimateBps, receiver.nextConnectionStatsAt.map({ now >= $0 }) ?? true else { return }
        receiver.nextConnectionStatsAt = now.adding(milliseconds: Self.connectionStatsIntervalMilliseconds)
        send(.connectionStats(estimatedDownlinkBandwidthBps: estimate), to: endpoint)
    }
}

// RFC 4585 §6.2.1 toward senders: the bridge is the receiver of every sender's uplink, so it
// asks for what that hop lost instead of passing the holes on to every receiver, each of which
// would then NACK the bridge for a packet it never had. The sender answers on RTX, handleRTP
// restores the original packet, and it is forwarded and cached as if it had never been lost.

import ICE
import Primitives
import RTP

extension BridgeEngine {
    /// Records one received sequence number (an RTX packet already restored to the original) in
    /// the stream's `RetransmissionRequester`. Only video whose payload type the sender pairs
    /// with RTX, on an SSRC with an RTX partner, is tracked: anything else cannot be repaired,
    /// so a stream that stops qualifying forgets its gaps rather than NACK them in vain.
    @inline(__always)
    func noteArrival(
        of sequenceNumber: UInt16, payloadType: UInt8, in stream: InboundStream, from sender: Endpoint, now: Instant
    ) {
        guard stream.kind == .video else { return }
        guard stream.encoding?.rtxSSRC != nil, payloadType < 128, sender.media.rtxPayloadType[Int(payloadType)] != nil else {
            if let missing = stream.retransmissionRequests?.missingCount {
                counters.retransmissionRequestsAbandoned &+= UInt64(missing)
                stream.retransmissionRequests?.reset()
            }
            return
        }
        if stream.retransmissionRequests == nil {
            stream.retransmissionRequests = RetransmissionRequester(configuration: InboundStream.retransmissionRequestConfiguration)
        }
        let abandonedBefore = stream.retransmissionRequests?.abandonedCount ?? 0
        let outcome = stream.retransmissionRequests?.handle(sequenceNumber: sequenceNumber, now: now)
        if outcome == .recovered { counters.retransmissionRequestsRecovered &+= 1 }
        // Advancing pushes the oldest missing number out of the ring; a resync clears them all.
        let abandonedAfter = stream.retransmissionRequests?.abandonedCount ?? abandonedBefore
        counters.retransmissionRequestsAbandoned &+= abandonedAfter &- abandonedBefore
    }

    /// A key frame starts at `sequenceNumber`: receivers decode on from it, so the stream's
    /// older missing packets are no longer worth a retransmission.
    @inline(__always)
    func discardRetransmissionRequests(before sequenceNumber: UInt16, in stream: InboundStream) {
        guard let missing = stream.retransmissionRequests?.missingCount, missing > 0 else { return }
        stream.retransmissionRequests?.discardMissing(before: sequenceNumber)
        let remaining = stream.retransmissionRequests?.missingCount ?? 0
        counters.retransmissionRequestsAbandoned &+= UInt64(missing &- remaining)
    }

    /// Sends the endpoint one generic NACK per video stream with numbers due, from the
    /// conference's video feedback SSRC, retrying at the ICE round trip to the endpoint (the
    /// path the retransmission travels). Streams are polled only when due, and only while the
    /// endpoint is reachable (`retransmissionRequestDeadline` leaves the others out, so an
    /// unreachable sender never keeps the timer spinning; its gaps age out once it is back).
    func sendRetransmissionRequests(_ endpoint: Endpoint, conference: Conference, now: Instant, transmit: TransmitQueue) {
        guard endpoint.isConnected else { return }
        let roundTrip = endpoint.ice.roundTripTimeNanoseconds
        let sender = conference.videoFeedbackSSRC
        for (ssrc, stream) in endpoint.inboundStreams {
            guard let due = stream.retransmissionRequests?.nextDeadline, due <= now else { continue }
            let missingBefore = stream.retransmissionRequests?.missingCount ?? 0
            let count = retransmissionRequestScratch.withUnsafeMutableBufferPointer { numbers in
                stream.retransmissionRequests?.poll(now: now, roundTripNanoseconds: roundTrip, into: numbers) ?? 0
            }
            // poll gives numbers up (tries, age) but never recovers any.
            let missingAfter = stream.retransmissionRequests?.missingCount ?? 0
            counters.retransmissionRequestsAbandoned &+= UInt64(missingBefore &- missingAfter)
            guard count > 0 else { continue }
            counters.retransmissionRequestsSent &+= UInt64(count)
            retransmissionRequestScratch.withUnsafeBufferPointer { numbers in
                let lost = numbers[0..<count]
                sendRTCP(to: endpoint, transmit: transmit) { buffer throws(RTPBuildError) in
                    try RTCPGenericNACK.write(senderSSRC: sender, mediaSSRC: ssrc, lost: lost, into: buffer)
                }
            }
        }
    }

    /// When `sendRetransmissionRequests` next has work for the endpoint, nil if none.
    func retransmissionRequestDeadline(of endpoint: Endpoint) -> Instant? {
        guard endpoint.isConnected else { return nil }
        var deadline: Instant?
        for stream in endpoint.inboundStreams.values {
            deadline = deadline.earliest(stream.retransmissionRequests?.nextDeadline)
        }
        return deadline
    }

    /// Numbers one poll may return: 64 fill a NACK of 4 to 64 FCI entries; more stay due for
    /// the next tick, which the requester then schedules at once.
    static let retransmissionRequestBatch = 64
}

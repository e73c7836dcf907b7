import CongestionControl
import Primitives
import RTP
import SRTP

/// Probing: padding on the RTX stream of a forwarded video source, numbered on the receiver's link.
extension Receiver {
    /// A packet smaller than this is not worth its header: the rest waits for the next tick.
    static let smallestPaddingPacket = 64

    /// Sends the padding due now. Returns the bytes queued. Without a stream to pad on (no
    /// forwarded video with RTX) or transport-cc, padding stops: nothing could measure it.
    func sendPadding(
        now: Instant, to address: PeerAddress, protectedBy srtp: OutboundSRTP, transmit: TransmitQueue,
        rtxPayloadType: (UInt8) -> UInt8?, random: inout some RandomNumberGenerator
    ) -> Int {
        var (due, cluster) = padding.due(now: now)
        guard due > 0 else { return 0 }
        // A cluster's steps are small at low rates; every byte of it goes out, as the probe
        // result needs its packets. Fill padding waits for a worthwhile packet.
        let smallest = cluster >= 0 ? PaddingPacketWriter.headerLength + SRTPSession.maximumTrailerLength + 1 : Self.smallestPaddingPacket
        guard let id = downlink.extensionID, let stream = paddingStream(rtxPayloadType: rtxPayloadType) else {
            padding.setRate(0, now: now)
            return 0
        }
        var total = 0
        while due >= smallest {
            let sequence = rtxSequenceNumbers[stream.ssrc, default: UInt16.random(in: 0...0x7FFF, using: &random)]
            let number = downlink.nextSequenceNumber
            let size = min(due - PaddingPacketWriter.headerLength - SRTPSession.maximumTrailerLength, PaddingPacketWriter.maximumPadding)
            let sent = transmit.append(to: address, sealedBy: srtp, as: .rtp) { slot in
                PaddingPacketWriter.write(
                    padding: size, payloadType: stream.payloadType, ssrc: stream.ssrc, sequenceNumber: sequence,
                    timestamp: stream.timestamp, transportSequence: (id, number), into: slot)
            }
            guard sent > 0 else { break }
            rtxSequenceNumbers[stream.ssrc] = sequence &+ 1
            downlink.noteSent(size: sent, now: now, probeCluster: cluster)
            due -= sent
            total += sent
        }
        if due < 0, cluster < 0 { padding.noteSent(extraBytes: -due) }
        return total
    }

    /// The RTX stream of some forwarded video source, with the RTX payload type paired with what
    /// it forwards and the stream's latest timestamp.
    private func paddingStream(rtxPayloadType: (UInt8) -> UInt8?) -> (ssrc: UInt32, payloadType: UInt8, timestamp: UInt32)? {
        for projection in videoProjections.values where projection.isForwarded {
            guard let ssrc = projection.outgoingRTXSSRC, let forwarded = projection.forwardedPayloadType,
                let payloadType = rtxPayloadType(forwarded)
            else { continue }
            return (ssrc, payloadType, projection.stream.lastOutgoingTimestamp)
        }
        return nil
    }
}

import ICE
import Primitives
import RTP
import SRTP

extension BridgeEngine {
    static let maximumReportBlocks = 31
    /// Unsignalled RTCP sender SSRCs accepted per endpoint (each costs an SRTCP stream). Clients
    /// report on receive-only transceivers from SSRCs they never signal: Chrome from a fixed one,
    /// aiortc from a random one per transceiver, so one per remote source in a big call.
    static let maximumUnsignalledRTCPSenders = 64

    /// RTCP is terminated here, not relayed (docs/colibri2.md §5.3): sender reports are
    /// re-issued to receivers, keyframe requests and NACKs are answered or routed to the media
    /// SSRC's owner, transport-cc feedback (about the bridge's own numbering toward this endpoint)
    /// moves its downlink estimate, and everything else (receiver reports, REMB, SDES, BYE) is
    /// consumed.
    func handleRTCP(_ datagram: UnsafeMutableRawBufferPointer, from endpoint: Endpoint, now: Instant, transmit: TransmitQueue) {
        guard datagram.count >= 8 else { return drop(.malformedRTCP) }
        let senderSSRC = Self.load32(datagram, at: 4)
        let signalled = endpoint.sources.contains(senderSSRC)
        let remembered = signalled || endpoint.unsignalledRTCPSenders.contains(senderSSRC)
        guard remembered || endpoint.unsignalledRTCPSenders.count < Self.maximumUnsignalledRTCPSenders else {
            return drop(.unknownSSRC)
        }
        guard let compound = unprotect(datagram, from: endpoint, rtcp: true) else { return }
        // Only now, authenticated, may a new sender SSRC take one of the few places.
        if !remembered { endpoint.unsignalledRTCPSenders.append(senderSSRC) }
        guard let conference = conferences[endpoint.meetingID] else { return }
        endpoint.lastActivity = now
        var packets = RTCPCompoundIterator(UnsafeRawBufferPointer(compound))
        while true {
            let next: RTCPPacket?
            do { next = try packets.next() } catch { return drop(.malformedRTCP) }
            guard let packet = next else { break }
            switch packet {
            case .senderReport(let report):
                // Receivers sync audio to video by these timestamps: only a stream's owner may set them.
                guard endpoint.sources.contains(report.senderSSRC) else {
                    drop(.spoofedSenderReport)
                    continue
                }
                endpoint.inboundStreams[report.senderSSRC]?.statistics.recordSenderReport(ntpTimestamp: report.ntpTimestamp, arrival: now)
                reissue(report, from: endpoint, in: conference, transmit: transmit)
            case .pli(let pli):
                requestKeyframe(ssrc: incomingSSRC(for: pli.mediaSSRC, receiver: endpoint), in: conference, now: now, transmit: transmit)
            case .fir(let fir):
                for index in 0..<fir.entryCount {
                    guard let entry = fir.entry(index) else { continue }
                    requestKeyframe(ssrc: incomingSSRC(for: entry.ssrc, receiver: endpoint), in: conference, now: now, transmit: transmit)
                }
            case .transportCC(let feedback):
                noteDownlinkFeedback(feedback, from: endpoint, in: conference, now: now)
            case .nack(let nack):
                guard let projection = endpoint.receiver.videoProjectionsByOutgoingSSRC[nack.mediaSSRC] else { continue }
                answer(nack, for: projection, to: endpoint, now: now, transmit: transmit)
            default:
                break
            }
        }
    }

    /// Gives every receiver of a stream the sender's NTP↔RTP mapping, so it can synchronise
    /// that stream's audio and video, translated into the receiver's outgoing stream: its SSRC
    /// (a slot, or the source's first SIM SSRC) and timestamps. A video encoding's report goes
    /// only to receivers currently forwarded that encoding.
    private func reissue(_ report: RTCPSenderReport, from sender: Endpoint, in conference: Conference, transmit: TransmitQueue) {
        let video = sender.sources.videoSourcesBySSRC[report.senderSSRC]
        let audio = sender.sources.audioSourcesBySSRC[report.senderSSRC]
        for receiver in conference.endpoints where receiver !== sender {
            var ssrc = report.senderSSRC
            var timestamp = report.rtpTimestamp
            if let video {
                guard receiver.media.acceptsVideo, let projection = receiver.receiver.projection(for: video),
                    projection.currentEncoding >= 0, projection.currentIncomingSSRC == report.senderSSRC
                else { continue }
                ssrc = projection.outgoingSSRC
                timestamp = projection.stream.outgoingTimestamp(timestamp)
            } else if let audio {
                guard receiver.media.acceptsAudio else { continue }
                if receiver.receiver.rewritesSSRCs {
                    guard let projection = receiver.receiver.audioProjections[audio.key] else { continue }
                    ssrc = projection.outgoingSSRC
                    timestamp = projection.stream.outgoingTimestamp(timestamp)
                }
            } else {
                continue
            }
            sendRTCP(to: receiver, transmit: transmit) { buffer throws(RTPBuildError) in
                try RTCPSenderReport.write(
                    senderSSRC: ssrc, ntpTimestamp: report.ntpTimestamp, rtpTimestamp: timestamp,
                    packetCount: report.packetCount, octetCount: report.octetCount,
                    reportBlocks: EmptyCollection<RTCPReportBlock>(), into: buffer)
            }
        }
    }

    /// The sender's SSRC behind an SSRC a receiver's feedback names (a slot or projected SSRC).
    private func incomingSSRC(for ssrc: UInt32, receiver: Endpoint) -> UInt32 {
        receiver.receiver.videoProjectionsByOutgoingSSRC[ssrc]?.currentIncomingSSRC ?? ssrc
    }

    /// Asks the owner of `ssrc` for a keyframe with a PLI from the conference's video feedback
    /// SSRC, at most once per 200 ms per stream: a dozen receivers joining at once need one keyframe.
    func requestKeyframe(ssrc: UInt32, in conference: Conference, now: Instant, transmit: TransmitQueue) {
        guard let owner = conference.ssrcOwners[ssrc] else { return }
        if let last = owner.lastKeyframeRequest[ssrc], now.milliseconds(since: last) < 200 { return }
        owner.lastKeyframeRequest[ssrc] = now
        counters.keyframeRequestsSent &+= 1
        log(.debug, "asking endpoint \(owner.id) for a key frame on \(ssrc)")
        if owner.media.usesPLI {
            let request = RTCPPictureLossIndication(senderSSRC: conference.videoFeedbackSSRC, mediaSSRC: ssrc)
            sendRTCP(to: owner, transmit: transmit) { buffer throws(RTPBuildError) in try request.write(into: buffer) }
        } else {
            owner.firSequenceNumber &+= 1
            let sequence = owner.firSequenceNumber
            let sender = conference.videoFeedbackSSRC
            sendRTCP(to: owner, transmit: transmit) { buffer throws(RTPBuildError) in
                try RTCPFullIntraRequest.write(
                    senderSSRC: sender, entries: CollectionOfOne(RTCPFullIntraRequest.Entry(ssrc: ssrc, sequenceNumber: sequence)), into: buffer)
            }
        }
    }

    /// Resends what a NACK on a receiver's outgoing stream asks for within the receiver's
    /// `RetransmissionLimiter`; every packet a limit refuses (the rest of the NACK past
    /// `perRequest` included) counts as a drop, as does every packet of an encoding the receiver
    /// has since been switched away from. A number neither the receiver's history nor the
    /// sender's cache still holds is counted apart: a receiver that keeps asking for those waits
    /// for a key frame, which is what an operator looking at a freeze wants to know.
    private func answer(_ nack: RTCPGenericNACK, for projection: VideoSourceProjection, to endpoint: Endpoint, now: Instant, transmit: TransmitQueue) {
        guard let address = endpoint.address, let outbound = endpoint.outboundSRTP, let owner = projection.source.owner else { return }
        var resent = 0
        var refused: UInt64 = 0
        var superseded: UInt64 = 0
        for sequenceNumber in nack {
            if projection.wasSuperseded(sequenceNumber) {
                superseded &+= 1
                continue
            }
            guard resent < RetransmissionLimiter.perRequest else {
                refused &+= 1
                continue
            }
            var admitted = false
            var judged = false
            let sent = endpoint.receiver.retransmit(
                sequenceNumber, of: projection, cache: { owner.inboundStreams[$0]?.cache },
                rtxPayloadType: { endpoint.media.rtxPayloadType[Int($0)] }, to: address, protectedBy: outbound,
                transmit: transmit, now: now,
                admit: { bytes in
                    judged = true
                    admitted = endpoint.retransmissions.admit(
                        ssrc: nack.mediaSSRC, sequenceNumber: sequenceNumber, bytes: bytes, now: now,
                        roundTripNanoseconds: endpoint.ice.roundTripTimeNanoseconds) == .allowed
                    return admitted
                }, random: &random)
            guard judged else {
                counters.retransmissionsUnavailable &+= 1
                continue
            }
            if admitted {
                resent += 1
                counters.retransmissionsSent &+= 1
                countSent(sent ?? 0)
            } else {
                refused &+= 1
            }
        }
        if refused > 0 { drop(.retransmissionLimited, times: refused) }
        if superseded > 0 { drop(.retransmissionSuperseded, times: superseded) }
    }

    /// Receiver reports for everything the endpoint sends, from the feedback SSRC of each
    /// media type (jicofo signals `jvb-a0`/`jvb-v0` to the client as the bridge's sources).
    func sendReceiverReports(_ endpoint: Endpoint, conference: Conference, now: Instant, transmit: TransmitQueue) {
        guard endpoint.isConnected, !endpoint.inboundStreams.isEmpty else { return }
        var audio: [RTCPReportBlock] = []
        var video: [RTCPReportBlock] = []
        for stream in endpoint.inboundStreams.values where stream.statistics.receivedSinceLastReport {
            let block = stream.statistics.makeReportBlock(now: now)
            if stream.statistics.clockRate == InboundStream.audioClockRate { audio.append(block) } else { video.append(block) }
        }
        for (sender, blocks) in [(conference.audioFeedbackSSRC, audio), (conference.videoFeedbackSSRC, video)] {
            // An RR holds at most 31 blocks (a 5-bit count, RFC 3550 §6.4.2): one RR per 31.
            for start in stride(from: 0, to: blocks.count, by: Self.maximumReportBlocks) {
                let chunk = blocks[start..<min(start + Self.maximumReportBlocks, blocks.count)]
                sendRTCP(to: endpoint, transmit: transmit) { buffer throws(RTPBuildError) in
                    try RTCPReceiverReport.write(senderSSRC: sender, reportBlocks: chunk, into: buffer)
                }
            }
        }
    }

    /// Transport-cc feedback for what the endpoint sent (about every 100 ms, as libwebrtc expects):
    /// without it a browser's send-side estimate never leaves its start value and the upper
    /// simulcast layers never start.
    func sendTransportFeedback(_ endpoint: Endpoint, conference: Conference, now: Instant, transmit: TransmitQueue) {
        guard endpoint.media.usesTransportCC, let due = endpoint.transportFeedback.nextFeedbackAt, due <= now else { return }
        let mediaSSRC = endpoint.sources.video.first?.encodings.first?.ssrc ?? endpoint.sources.audio.first?.ssrc ?? 0
        let sender = conference.videoFeedbackSSRC
        // A bounded loop: each round reports at least one waiting packet.
        for _ in 0..<16 {
            var wrote = false
            sendRTCP(to: endpoint, transmit: transmit) { buffer throws(RTPBuildError) in
                guard let length = try endpoint.transportFeedback.makeFeedback(
                    now: now, senderSSRC: sender, mediaSSRC: mediaSSRC, into: buffer)
                else { return 0 }
                wrote = true
                return length
            }
            guard wrote else { break }
            counters.transportFeedbackSent &+= 1
        }
    }

    /// REMB with the sender's uplink estimate to a sender without transport-cc (`RembReporter`),
    /// covering all its video SSRCs.
    func sendREMB(_ endpoint: Endpoint, conference: Conference, now: Instant, transmit: TransmitQueue) {
        guard let bitrate = endpoint.remb?.due(
                now: now, roundTripMilliseconds: endpoint.ice.roundTripTimeNanoseconds.map { Double($0) / 1e6 } ?? 100)
        else { return }
        let ssrcs = endpoint.sources.video.flatMap { $0.encodings.map(\.ssrc) }
        guard !ssrcs.isEmpty else { return }
        let sender = conference.videoFeedbackSSRC
        sendRTCP(to: endpoint, transmit: transmit) { buffer throws(RTPBuildError) in
            try RTCPREMB.write(senderSSRC: sender, bitrate: bitrate, ssrcs: ssrcs.prefix(255), into: buffer)
        }
        counters.rembSent &+= 1
    }

    /// Builds one RTCP packet straight into a send slot and commits it for protection on the
    /// endpoint's lane.
    func sendRTCP(
        to endpoint: Endpoint, transmit: TransmitQueue,
        _ build: (UnsafeMutableRawBufferPointer) throws(RTPBuildError) -> Int
    ) {
        guard let address = endpoint.address, let outbound = endpoint.outboundSRTP else { return }
        let sent = transmit.append(to: address, sealedBy: outbound, as: .rtcp) { slot in
            let room = UnsafeMutableRawBufferPointer(rebasing: slot[0..<(slot.count - SRTPSession.maximumTrailerLength - 4)])
            return (try? build(room)) ?? 0
        }
        if sent > 0 {
            counters.packetsSent &+= 1
            counters.bytesSent &+= UInt64(sent)
        }
    }

    /// The state of the stream a packet belongs to, created on the stream's first packet.
    @inline(__always)
    func inboundStream(_ ssrc: UInt32, kind: MediaKind, of sender: Endpoint) -> InboundStream {
        if let stream = sender.inboundStreams[ssrc] { return stream }
        let stream = InboundStream(ssrc: ssrc, kind: kind)
        linkSources(stream, ssrc: ssrc, of: sender)
        sender.inboundStreams[ssrc] = stream
        return stream
    }
}

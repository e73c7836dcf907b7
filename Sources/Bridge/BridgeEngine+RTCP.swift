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
    /// SSRC's owner, and everything else (receiver reports, REMB, transport-cc, SDES, BYE) is
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
                requestKeyframe(ssrc: pli.mediaSSRC, in: conference, now: now, transmit: transmit)
            case .fir(let fir):
                for index in 0..<fir.entryCount {
                    if let entry = fir.entry(index) { requestKeyframe(ssrc: entry.ssrc, in: conference, now: now, transmit: transmit) }
                }
            case .nack(let nack):
                guard let owner = conference.ssrcOwners[nack.mediaSSRC], owner !== endpoint else { continue }
                answer(nack, from: owner, to: endpoint, now: now, transmit: transmit)
            default:
                break
            }
        }
    }

    /// Gives every receiver of a stream the sender's NTP↔RTP mapping, so it can synchronise
    /// that stream's audio and video. SSRCs and timestamps are forwarded unchanged today, so the
    /// mapping is valid as it stands; SSRC rewriting will translate it here.
    private func reissue(_ report: RTCPSenderReport, from sender: Endpoint, in conference: Conference, transmit: TransmitQueue) {
        let kind = sender.sources.kinds[report.senderSSRC] ?? .video
        for receiver in conference.endpoints where receiver !== sender && receiver.media.accepts(kind) {
            sendRTCP(to: receiver, transmit: transmit) { buffer throws(RTPBuildError) in
                try RTCPSenderReport.write(
                    senderSSRC: report.senderSSRC, ntpTimestamp: report.ntpTimestamp, rtpTimestamp: report.rtpTimestamp,
                    packetCount: report.packetCount, octetCount: report.octetCount,
                    reportBlocks: EmptyCollection<RTCPReportBlock>(), into: buffer)
            }
        }
    }

    /// Asks the owner of `ssrc` for a keyframe with a PLI from the conference's video feedback
    /// SSRC, at most once per 200 ms per stream: a dozen receivers joining at once need one keyframe.
    private func requestKeyframe(ssrc: UInt32, in conference: Conference, now: Instant, transmit: TransmitQueue) {
        guard let owner = conference.ssrcOwners[ssrc] else { return }
        if let last = owner.lastKeyframeRequest[ssrc], now.milliseconds(since: last) < 200 { return }
        owner.lastKeyframeRequest[ssrc] = now
        let request = RTCPPictureLossIndication(senderSSRC: conference.videoFeedbackSSRC, mediaSSRC: ssrc)
        sendRTCP(to: owner, transmit: transmit) { buffer throws(RTPBuildError) in try request.write(into: buffer) }
    }

    /// Resends what a NACK asks for within the receiver's `RetransmissionLimiter`; every packet
    /// a limit refuses (the rest of the NACK past `perRequest` included) counts as a drop.
    private func answer(_ nack: RTCPGenericNACK, from owner: Endpoint, to receiver: Endpoint, now: Instant, transmit: TransmitQueue) {
        var resent = 0
        var refused: UInt64 = 0
        for sequenceNumber in nack {
            guard resent < RetransmissionLimiter.perRequest else {
                refused &+= 1
                continue
            }
            switch retransmit(sequenceNumber, ssrc: nack.mediaSSRC, from: owner, to: receiver, now: now, transmit: transmit) {
            case .allowed: resent += 1
            case .repeated, .overBudget: refused &+= 1
            case nil: break
            }
        }
        if refused > 0 { drop(.retransmissionLimited, times: refused) }
    }

    /// Resends one cached packet of `owner` to `receiver`: as RTX (RFC 4588) when the receiver
    /// negotiated it and the owner signalled an RTX SSRC, else as the original packet. Returns
    /// the limiter's verdict, or nil when there was nothing to resend.
    private func retransmit(
        _ sequenceNumber: UInt16, ssrc: UInt32, from owner: Endpoint, to receiver: Endpoint, now: Instant, transmit: TransmitQueue
    ) -> RetransmissionLimiter.Verdict? {
        guard let address = receiver.address, let outbound = receiver.outboundSRTP else { return nil }
        var verdict: RetransmissionLimiter.Verdict?
        owner.inboundStreams[ssrc]?.cache?.withPacket(sequenceNumber: sequenceNumber, now: now) { packet in
            guard let header = try? RTPHeaderView(parsing: packet) else { return }
            verdict = receiver.retransmissions.admit(
                ssrc: ssrc, sequenceNumber: sequenceNumber, bytes: packet.count, now: now,
                roundTripNanoseconds: receiver.ice.roundTripTimeNanoseconds)
            guard verdict == .allowed else { return }
            guard let rtxPayloadType = receiver.media.rtxPayloadType[Int(header.payloadType)],
                let rtxSSRC = owner.sources.rtxForPrimary[ssrc]
            else {
                return sendRTP(packet, to: address, protectedBy: outbound, transmit: transmit)
            }
            let rtxSequence = receiver.rtxSequenceNumbers[rtxSSRC, default: UInt16.random(in: 0...0x7FFF, using: &random)]
            receiver.rtxSequenceNumbers[rtxSSRC] = rtxSequence &+ 1
            var sent = 0
            transmit.append(to: address) { slot in
                sent = Self.writeRTX(from: packet, header: header, payloadType: rtxPayloadType, ssrc: rtxSSRC,
                                     sequenceNumber: rtxSequence, into: slot, protectedBy: outbound)
                return sent
            }
            if sent > 0 {
                counters.packetsSent &+= 1
                counters.bytesSent &+= UInt64(sent)
            }
        }
        return verdict
    }

    /// Writes the RTX form of `packet` (header, original sequence number, payload; no padding)
    /// into `slot` and protects it. Returns the protected length, or 0 if it does not fit.
    private static func writeRTX(
        from packet: UnsafeRawBufferPointer, header: RTPHeaderView, payloadType: UInt8, ssrc: UInt32,
        sequenceNumber: UInt16, into slot: UnsafeMutableRawBufferPointer, protectedBy srtp: SRTPSession
    ) -> Int {
        let length = header.headerLength + 2 + header.payloadLength
        guard let destination = slot.baseAddress, let source = packet.baseAddress,
            length + SRTPSession.maximumTrailerLength <= slot.count
        else { return 0 }
        destination.copyMemory(from: source, byteCount: header.headerLength)
        slot[0] &= ~0x20  // the original's padding is not carried over
        slot[header.headerLength] = UInt8(header.sequenceNumber >> 8)
        slot[header.headerLength + 1] = UInt8(truncatingIfNeeded: header.sequenceNumber)
        (destination + header.headerLength + 2).copyMemory(from: source + header.payloadOffset, byteCount: header.payloadLength)
        let rtx = UnsafeMutableRawBufferPointer(rebasing: slot[0..<length])
        do {
            var view = try RTPHeaderView(parsing: UnsafeRawBufferPointer(rtx))
            try view.setPayloadType(payloadType, in: rtx)
            try view.setSSRC(ssrc, in: rtx)
            try view.setSequenceNumber(sequenceNumber, in: rtx)
            return try srtp.protectRTP(destination, length: length, capacity: slot.count)
        } catch {
            return 0
        }
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

    /// Builds one RTCP packet straight into a send slot, protects it there and commits it.
    func sendRTCP(
        to endpoint: Endpoint, transmit: TransmitQueue,
        _ build: (UnsafeMutableRawBufferPointer) throws(RTPBuildError) -> Int
    ) {
        guard let address = endpoint.address, let outbound = endpoint.outboundSRTP else { return }
        var sent = 0
        transmit.append(to: address) { slot in
            let room = UnsafeMutableRawBufferPointer(rebasing: slot[0..<(slot.count - SRTPSession.maximumTrailerLength - 4)])
            guard let length = try? build(room), let base = slot.baseAddress else { return 0 }
            sent = (try? outbound.protectRTCP(base, length: length, capacity: slot.count)) ?? 0
            return sent
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
        sender.inboundStreams[ssrc] = stream
        return stream
    }
}

import Primitives
import RTP
import SRTP

/// The per-packet half of a receiver: decide, rewrite, encrypt, queue.
extension Receiver {
    /// Forwards one video packet of `source` if this receiver's projection wants it. Returns the
    /// bytes queued (0 if nothing was sent).
    @inline(__always)
    func forwardVideo(
        _ packet: IncomingPacket, of source: VideoSource, to address: PeerAddress, protectedBy srtp: OutboundSRTP,
        transmit: TransmitQueue
    ) -> Int {
        guard let projection = videoProjections[source.key] else { return 0 }
        let header = packet.header
        // A packet sent again repairs only what this receiver was sent of the encoding it is
        // being sent: it starts no switch (SVC and VP9 selectors read key frames from the frame
        // itself, so clearing the key-frame flag alone would not stop them), and one from before
        // the current stream began would take an outgoing number the previous stream used.
        if packet.isRetransmission,
           packet.encodingIndex != projection.currentEncoding || projection.stream.precedesStart(header.sequenceNumber)
        {
            return 0
        }
        let verdict =
            if let frame = packet.scalableFrame {
                projection.selectScalable(encodingIndex: packet.encodingIndex, frame: frame)
            } else if let frame = packet.vp9Frame {
                projection.selectVP9(encodingIndex: packet.encodingIndex, frame: frame, timestamp: header.timestamp)
            } else {
                projection.select(
                    encodingIndex: packet.encodingIndex, timestamp: header.timestamp, vp8: packet.vp8,
                    isKeyframeStart: packet.isKeyframeStart)
            }
        switch verdict {
        case .ignore:
            return 0
        case .dropIntentionally:
            projection.stream.drop(sequence: header.sequenceNumber)
            if let vp8 = packet.vp8 { projection.pictures.handleDropped(VP8IncomingIDs(vp8)) }
            return 0
        case .forward(let switched):
            if switched {
                projection.stream.begin(
                    sequence: header.sequenceNumber, timestamp: header.timestamp, now: packet.now, clockRate: packet.clockRate)
                if packet.dependencyDescriptorOffset >= 0 { projection.frameNumbers.begin(incoming: packet.frameNumber) }
            }
            let (sequence, timestamp) = projection.stream.forward(
                sequence: header.sequenceNumber, timestamp: header.timestamp, now: packet.now)
            projection.forwardedPayloadType = header.payloadType
            var pictureIDs: VP8OutgoingIDs?
            if let vp8 = packet.vp8, vp8.pictureID != nil {
                pictureIDs = try? projection.pictures.handleForwarded(VP8IncomingIDs(vp8), switched: switched)
            }
            var setsMarker = false
            if let frame = packet.scalableFrame {
                setsMarker = projection.decodeTargets.endsForwardedTemporalUnit(frame)
            } else if let frame = packet.vp9Frame {
                setsMarker = projection.vp9Layers.endsForwardedPicture(frame)
            }
            let frameNumber = packet.dependencyDescriptorOffset >= 0 ? projection.frameNumbers.forward(packet.frameNumber) : 0
            projection.history.record(ForwardedPacketHistory.Entry(
                outgoingSequence: sequence, incomingSSRC: header.ssrc, incomingSequence: header.sequenceNumber,
                outgoingTimestamp: timestamp, pictureID: pictureIDs?.pictureID ?? 0, tl0PicIdx: pictureIDs?.tl0PicIdx ?? 0,
                hasPictureIDs: pictureIDs != nil, hasTL0PicIdx: pictureIDs?.tl0PicIdx != nil, setsMarker: setsMarker,
                frameNumber: frameNumber, dependencyDescriptorOffset: Int16(truncatingIfNeeded: packet.dependencyDescriptorOffset),
                transportSequenceOffset: Int16(truncatingIfNeeded: packet.transportSequenceOffset),
                absSendTimeOffset: Int16(truncatingIfNeeded: packet.absSendTimeOffset)))
            let rewrite = OutgoingRewrite(
                ssrc: projection.outgoingSSRC, sequenceNumber: sequence, timestamp: timestamp, pictureIDs: pictureIDs,
                setsMarker: setsMarker, frameNumber: frameNumber, dependencyDescriptorOffset: packet.dependencyDescriptorOffset,
                transportSequenceOffset: packet.transportSequenceOffset, absSendTimeOffset: packet.absSendTimeOffset)
            return queue(packet.bytes, header: header, vp8: packet.vp8, rewrite: rewrite, to: address, srtp: srtp,
                         transmit: transmit, now: packet.now)
        }
    }

    /// A padding-only packet of the encoding this receiver is forwarded: hidden from its numbering.
    func hidePadding(_ sequenceNumber: UInt16, of source: VideoSource, encodingIndex: Int) {
        guard let projection = videoProjections[source.key], projection.currentEncoding == encodingIndex else { return }
        projection.stream.drop(sequence: sequenceNumber)
    }

    /// Forwards one audio packet of `source` under this receiver's slot for it (rewriting
    /// receivers only). `isNewMapping` tells the caller to send the `AudioSourcesMap`.
    @inline(__always)
    func forwardAudio(
        _ packet: IncomingPacket, of source: AudioSource, to address: PeerAddress, protectedBy srtp: OutboundSRTP,
        transmit: TransmitQueue, random: inout some RandomNumberGenerator, isSSRCInUse: (UInt32) -> Bool,
        isNewMapping: inout Bool
    ) -> Int {
        let (projection, isNew) = audioProjection(for: source, random: &random, isSSRCInUse: isSSRCInUse)
        isNewMapping = isNew
        let header = packet.header
        if projection.needsBegin {
            projection.stream.begin(
                sequence: header.sequenceNumber, timestamp: header.timestamp, now: packet.now, clockRate: packet.clockRate)
            projection.needsBegin = false
        }
        let (sequence, timestamp) = projection.stream.forward(
            sequence: header.sequenceNumber, timestamp: header.timestamp, now: packet.now)
        let rewrite = OutgoingRewrite(
            ssrc: projection.outgoingSSRC, sequenceNumber: sequence, timestamp: timestamp,
            transportSequenceOffset: packet.transportSequenceOffset, absSendTimeOffset: packet.absSendTimeOffset)
        return queue(packet.bytes, header: header, vp8: nil, rewrite: rewrite, to: address, srtp: srtp,
                     transmit: transmit, now: packet.now)
    }

    /// Forwards one audio packet to a receiver that does not rewrite SSRCs: as the sender sent it,
    /// but for the receiver's own transport-wide number.
    @inline(__always)
    func forwardAudioUnchanged(
        _ packet: IncomingPacket, to address: PeerAddress, protectedBy srtp: OutboundSRTP, transmit: TransmitQueue
    ) -> Int {
        let header = packet.header
        let rewrite = OutgoingRewrite(
            ssrc: header.ssrc, sequenceNumber: header.sequenceNumber, timestamp: header.timestamp,
            transportSequenceOffset: packet.transportSequenceOffset, absSendTimeOffset: packet.absSendTimeOffset)
        return queue(packet.bytes, header: header, vp8: nil, rewrite: rewrite, to: address, srtp: srtp,
                     transmit: transmit, now: packet.now)
    }

    /// Resends what the receiver lost of `projection`'s outgoing stream: the packet sent under
    /// `sequenceNumber`, from the sender's cache, rewritten exactly as it was, as RTX when the
    /// receiver negotiated it. `rtxPayloadType(pt)` gives the receiver's RTX payload type.
    func retransmit(
        _ sequenceNumber: UInt16, of projection: VideoSourceProjection, cache: (UInt32) -> RTPPacketCache?,
        rtxPayloadType: (UInt8) -> UInt8?, to address: PeerAddress, protectedBy srtp: OutboundSRTP,
        transmit: TransmitQueue, now: Instant, admit: (Int) -> Bool, random: inout some RandomNumberGenerator
    ) -> Int? {
        guard let entry = projection.history.lookup(sequenceNumber), let packets = cache(entry.incomingSSRC) else { return nil }
        var sent: Int?
        packets.withPacket(sequenceNumber: entry.incomingSequence, now: now) { bytes in
            guard let header = try? RTPHeaderView(parsing: bytes), admit(bytes.count) else { return }
            var vp8: VP8PayloadDescriptor?
            if entry.hasPictureIDs {
                vp8 = try? VP8PayloadDescriptor(parsing: UnsafeRawBufferPointer(rebasing: bytes[header.payloadOffset..<(header.payloadOffset + header.payloadLength)]))
            }
            var rewrite = OutgoingRewrite(
                ssrc: projection.outgoingSSRC, sequenceNumber: sequenceNumber, timestamp: entry.outgoingTimestamp,
                pictureIDs: entry.hasPictureIDs
                    ? VP8OutgoingIDs(pictureID: entry.pictureID, tl0PicIdx: entry.hasTL0PicIdx ? entry.tl0PicIdx : nil) : nil,
                setsMarker: entry.setsMarker, frameNumber: entry.frameNumber,
                dependencyDescriptorOffset: Int(entry.dependencyDescriptorOffset),
                transportSequenceOffset: Int(entry.transportSequenceOffset), absSendTimeOffset: Int(entry.absSendTimeOffset))
            if let rtxSSRC = projection.outgoingRTXSSRC, let payloadType = rtxPayloadType(header.payloadType) {
                let rtxSequence = rtxSequenceNumbers[rtxSSRC, default: UInt16.random(in: 0...0x7FFF, using: &random)]
                rtxSequenceNumbers[rtxSSRC] = rtxSequence &+ 1
                rewrite.retransmission = .init(payloadType: payloadType, ssrc: rtxSSRC, sequenceNumber: rtxSequence)
            }
            sent = queue(bytes, header: header, vp8: vp8, rewrite: rewrite, to: address, srtp: srtp, transmit: transmit, now: now)
        }
        return sent
    }

    /// Writes and queues one packet for this receiver, numbered on its link and stamped with the
    /// time it leaves when the packet has room for them (the sender's own transport-wide and
    /// send-time elements, kept for this).
    @inline(__always)
    func queue(
        _ bytes: UnsafeRawBufferPointer, header: RTPHeaderView, vp8: VP8PayloadDescriptor?, rewrite: OutgoingRewrite,
        to address: PeerAddress, srtp: OutboundSRTP, transmit: TransmitQueue, now: Instant
    ) -> Int {
        var rewrite = rewrite
        let isNumbered = rewrite.transportSequenceOffset >= 0 && downlink.extensionID != nil
        if isNumbered, let id = downlink.extensionID {
            rewrite.transportSequenceID = id
            rewrite.transportSequenceNumber = downlink.nextSequenceNumber
        }
        if rewrite.absSendTimeOffset >= 0, let id = downlink.absSendTimeExtensionID {
            rewrite.absSendTimeID = id
            rewrite.absSendTime = AbsoluteSendTime.value(at: now)
        }
        let sent = transmit.append(to: address, sealedBy: srtp, as: .rtp) { slot in
            ForwardedPacketWriter.write(bytes, header: header, vp8: vp8, rewrite: rewrite, into: slot)
        }
        if isNumbered, sent > 0 { downlink.noteSent(size: sent, now: now) }
        return sent
    }
}

import Primitives
import RTP
import SRTP

extension BridgeEngine {
    /// The forwarding hot path: decrypt in place, parse a view, strip per-hop extensions once,
    /// then for each receiver copy into a send slot and encrypt there with the receiver's keys.
    /// Nothing here allocates once a stream's tables exist, and nothing takes a lock.
    /// `arrival` is when the datagram reached the socket (a batch's packets share one `now`): the
    /// sender's congestion control and the jitter estimate need it per packet.
    func handleRTP(
        _ datagram: UnsafeMutableRawBufferPointer, from sender: Endpoint, now: Instant, arrival: Instant, transmit: TransmitQueue
    ) {
        // Checked on the clear header before decryption: an SSRC the endpoint did not signal
        // would impersonate someone else's stream or make libsrtp, the stream table and the
        // packet cache grow for every new value.
        guard datagram.count >= 12 else { return drop(.malformedRTP) }
        guard sender.sources.contains(Self.load32(datagram, at: 8)) else { return drop(.unknownSSRC) }
        guard var packet = unprotect(datagram, from: sender, rtcp: false) else { return }
        var header: RTPHeaderView
        do {
            header = try RTPHeaderView(parsing: UnsafeRawBufferPointer(packet))
        } catch {
            return drop(.malformedRTP)
        }
        guard let payload = sender.media.payload(header.payloadType) else { return drop(.unknownPayloadType) }
        sender.lastActivity = now
        // Every packet counts for the sender's congestion control, probes and retransmissions too.
        if let id = sender.media.transportCCExtensionID,
            let sequence = header.transportSequenceNumber(extensionID: id, in: UnsafeRawBufferPointer(packet))
        {
            sender.transportFeedback.record(transportSequenceNumber: sequence, arrival: arrival)
        }
        guard !sender.isForceMuted(payload.kind) else { return drop(.forceMuted) }
        if let originalPayloadType = payload.associatedPayloadType {
            // RTX is hop-by-hop: restore the original packet so it is cached and forwarded as such.
            guard let restored = unwrapRTX(&header, in: packet, sender: sender, originalPayloadType: originalPayloadType) else { return }
            packet = UnsafeMutableRawBufferPointer(rebasing: packet[0..<restored])
        }
        let conference = sender.conference
        let stream = inboundStream(header.ssrc, kind: payload.kind, of: sender)
        // libwebrtc probes bandwidth by resending recent packets on RTX: a copy of a packet that
        // arrived is no repair. Forwarded, it would replay old frames into receivers' streams.
        if payload.associatedPayloadType != nil, !repairsLoss(header.sequenceNumber, of: stream, now: now) {
            return drop(.duplicateRetransmission)
        }
        stream.statistics.record(sequenceNumber: header.sequenceNumber, rtpTimestamp: header.timestamp, arrival: arrival)
        noteArrival(of: header.sequenceNumber, payloadType: header.payloadType, in: stream, from: sender, now: now)
        noteMediaFlowing(sender, in: conference, now: now)

        // Header extensions are per hop (docs/colibri2.md §5.2): only level, orientation and the
        // AV1 dependency descriptor travel on; the sender's MID in particular must not. Its
        // transport-wide number and send time keep their places for the bridge's own values.
        guard let length = try? header.retainExtensions(sender.media.forwardedExtensionIDs, in: packet) else {
            return drop(.malformedRTP)
        }
        let forwarded = UnsafeRawBufferPointer(rebasing: packet[0..<length])
        var incoming = IncomingPacket(
            bytes: forwarded, header: header, vp8: nil, encodingIndex: 0, isKeyframeStart: true,
            isRetransmission: payload.associatedPayloadType != nil, clockRate: InboundStream.audioClockRate, now: now)
        incoming.transportSequenceOffset = Self.dataOffset(
            of: sender.media.transportCCExtensionID, length: 2, header: header, in: forwarded)
        incoming.absSendTimeOffset = Self.dataOffset(
            of: sender.media.absSendTimeExtensionID, length: AbsoluteSendTime.length, header: header, in: forwarded)
        if incoming.absSendTimeOffset >= 0, sender.remb != nil {
            let sent = AbsoluteSendTime.value(in: forwarded, at: incoming.absSendTimeOffset)
            sender.remb?.note(absSendTime: sent, arrival: arrival, size: datagram.count)
        }
        if payload.kind == .audio {
            forwardAudio(&incoming, stream: stream, from: sender, in: conference, transmit: transmit)
        } else {
            incoming.clockRate = InboundStream.videoClockRate
            forwardVideo(&incoming, stream: stream, codec: payload.codec, from: sender, in: conference, transmit: transmit)
        }
    }

    /// Whether an RTX packet restored to `sequenceNumber` fills a hole in `stream`. Senders
    /// answer only the bridge's own NACKs (receivers' NACKs end here), so a number the stream's
    /// requester does not miss is a probe's copy, whether or not the cache kept the original: a
    /// packet no receiver was sent is not cached, and its copy would otherwise reach receivers
    /// switched since, as a key frame start in an SVC stream's selector or a number below the
    /// start of their stream. Without a requester (no original packet yet), the cache decides.
    @inline(__always)
    private func repairsLoss(_ sequenceNumber: UInt16, of stream: InboundStream, now: Instant) -> Bool {
        if let requests = stream.retransmissionRequests { return requests.isMissing(sequenceNumber) }
        return stream.cache?.contains(sequenceNumber: sequenceNumber, now: now) != true
    }

    /// Where the element `id` has its data in `packet` when it is `length` bytes long, else -1:
    /// a place for a per-hop value the bridge writes into each receiver's copy.
    @inline(__always)
    private static func dataOffset(of id: UInt8?, length: Int, header: RTPHeaderView, in packet: UnsafeRawBufferPointer) -> Int {
        guard let id, let element = header.extensionElement(id: id, in: packet), element.length == length else { return -1 }
        return element.offset
    }

    /// Audio: silence dropping and speech activity from the level extension, then every other
    /// endpoint.
    private func forwardAudio(
        _ packet: inout IncomingPacket, stream: InboundStream, from sender: Endpoint, in conference: Conference, transmit: TransmitQueue
    ) {
        guard let source = stream.audioSource else { return }
        if let id = sender.media.audioLevelExtensionID,
            let element = packet.header.extensionElement(id: id, in: packet.bytes), element.length >= 1
        {
            let level = packet.bytes[element.offset] & 0x7F
            if source.silence.shouldDrop(level: level) { return drop(.silence) }
            if let handle = sender.speakerHandle { conference.speech.levelReceived(handle, level: level, now: packet.now) }
        }
        fanOut(packet, to: .audio(source), from: sender, in: conference, stream: stream, transmit: transmit)
    }

    /// Video: the sender side learns layers and sizes from the packet, then each receiver's
    /// projection selects and rewrites.
    private func forwardVideo(
        _ packet: inout IncomingPacket, stream: InboundStream, codec: VideoCodec, from sender: Endpoint, in conference: Conference,
        transmit: TransmitQueue
    ) {
        guard let source = stream.videoSource, let encoding = stream.encoding, source.isEnabled else { return }
        source.codec = codec
        packet.encodingIndex = encoding.index
        guard packet.header.payloadLength > 0 else {
            // Padding only (a sender probing its bandwidth): nothing to forward, but receivers'
            // sequence numbers must close over it, or they wait for a packet that never comes.
            let target = FanOutItem.Target.padding(source, encodingIndex: encoding.index)
            return fanOut(packet, to: target, from: sender, in: conference, stream: stream, transmit: transmit)
        }
        var temporalLayer = 0
        var spatialLayer = 0
        // Where the codec tells (nil: it cannot, and the packet keeps counting as a start).
        var isKeyframeStart: Bool?
        let header = packet.header
        let payload = UnsafeRawBufferPointer(rebasing: packet.bytes[header.payloadOffset..<(header.payloadOffset + header.payloadLength)])
        if let id = sender.media.dependencyDescriptorExtensionID { noteDependencyDescriptor(id: id, of: &packet) }
        switch codec {
        case .vp8:
            guard let descriptor = try? VP8PayloadDescriptor(parsing: payload) else { return drop(.malformedRTP) }
            packet.vp8 = descriptor
            isKeyframeStart = descriptor.isKeyframeStart
            temporalLayer = Int(descriptor.temporalLayerID ?? 0)
            if descriptor.isKeyframeStart {
                let frame = UnsafeRawBufferPointer(rebasing: payload[descriptor.length...])
                if let size = try? VP8KeyframeHeader(parsing: frame) { encoding.observedHeight = Int(size.height) }
            }
        case .h264:
            // No layer information in the payload: each encoding is one layer, which a receiver
            // starts, or switches to, only at an IDR picture or the SPS that leads one.
            guard let summary = try? H264PayloadSummary(parsing: payload) else { return drop(.malformedRTP) }
            isKeyframeStart = summary.isKeyframeStart
        case .av1, .vp9:
            // SVC: every layer on this SSRC, told apart by the dependency descriptor.
            if let element = packet.dependencyDescriptor {
                let bytes = UnsafeRawBufferPointer(rebasing: packet.bytes[element.offset..<(element.offset + element.length)])
                // Receivers select from the structure their packet came with: the ones still to be
                // served earlier packets get them before a new structure can replace it.
                if AV1DependencyDescriptorReader.mayCarryStructure(bytes) { settleFanOut(transmit: transmit) }
                let frame: AV1FrameDescription
                do {
                    frame = try encoding.dependencyDescriptors.read(bytes)
                } catch {
                    switch error {
                    case .noStructure, .unknownTemplate: return drop(.unknownDependencyStructure)
                    default: return drop(.malformedDependencyDescriptor)
                    }
                }
                encoding.isScalable = true
                // A new structure renames the layers allocation chose from.
                if frame.structureChanged { conference.allocationDue = true }
                packet.scalableFrame = frame
                isKeyframeStart = frame.carriesStructure
                spatialLayer = Int(frame.spatialID)
                temporalLayer = Int(frame.temporalID)
            } else if codec == .vp9 {
                // Without the dependency descriptor, VP9's own layer indices tell the layers.
                guard let descriptor = try? VP9PayloadDescriptor(parsing: payload) else { return drop(.malformedRTP) }
                let frame = VP9LayerFrame(descriptor)
                isKeyframeStart = frame.isKeyframeStart
                if descriptor.hasLayerIndices {
                    encoding.isScalable = true
                    packet.vp9Frame = frame
                    if let structure = descriptor.scalabilityStructure { encoding.noteSpatialHeights(structure) }
                }
                spatialLayer = frame.spatial
                temporalLayer = frame.temporal
            }
        case .unknown:
            break
        }
        if let isKeyframeStart {
            // A key frame sent again on RTX is an old one: were a receiver switched at it, the
            // rest of that frame, which went by unforwarded, would be a hole in its numbering
            // that it NACKs in vain until the next key frame.
            packet.isKeyframeStart = isKeyframeStart && !packet.isRetransmission
            if packet.isKeyframeStart {
                encoding.lastKeyframeAt = packet.now
                log(.debug, "key frame from endpoint \(sender.id) on \(header.ssrc)")
                discardRetransmissionRequests(before: header.sequenceNumber, in: stream)
            }
        }
        let isStarting = encoding.lastPacketAt.map {
            packet.now.milliseconds(since: $0) >= VideoSource.activityTimeoutMilliseconds
        } ?? true
        encoding.record(
            bytes: packet.header.payloadLength, timestamp: packet.header.timestamp, spatialLayer: spatialLayer,
            temporalLayer: temporalLayer, now: packet.now)
        // A layer just (re)appeared: allocate now, so this packet, typically the key frame that
        // starts it, is not lost to a receiver that wants the layer (senders resume a layer
        // paused by SenderSourceConstraints with a key frame).
        if isStarting { allocate(conference, now: packet.now, transmit: transmit) }
        fanOut(packet, to: .video(source), from: sender, in: conference, stream: stream, transmit: transmit)
    }

    /// Finds the dependency descriptor, whatever the codec: receivers' copies get its frame_number
    /// continued across a reused slot (a receiver refuses a key frame numbered below the last one).
    @inline(__always)
    private func noteDependencyDescriptor(id: UInt8, of packet: inout IncomingPacket) {
        guard let element = packet.header.extensionElement(id: id, in: packet.bytes) else { return }
        packet.dependencyDescriptor = element
        guard element.length >= 3 else { return }
        packet.frameNumber = UInt16(packet.bytes[element.offset + 1]) << 8 | UInt16(packet.bytes[element.offset + 2])
    }

    @inline(__always)
    func countSent(_ bytes: Int) {
        guard bytes > 0 else { return }
        counters.packetsSent &+= 1
        counters.bytesSent &+= UInt64(bytes)
    }

    /// Turns an RTX packet (RFC 4588: original sequence number first in the payload) back into
    /// the packet it repairs. Returns the new length, or nil when it cannot be restored.
    private func unwrapRTX(
        _ header: inout RTPHeaderView, in packet: UnsafeMutableRawBufferPointer, sender: Endpoint, originalPayloadType: UInt8
    ) -> Int? {
        // Empty RTX packets are bandwidth probes: they carry nothing to forward.
        guard header.payloadLength >= 2, let primary = sender.sources.primaryForRTX[header.ssrc] else { return nil }
        let offset = header.payloadOffset
        let originalSequence = UInt16(packet[offset]) << 8 | UInt16(packet[offset + 1])
        let tail = header.payloadLength - 2 + header.paddingLength
        guard let base = packet.baseAddress else { return nil }
        (base + offset).copyMemory(from: base + offset + 2, byteCount: tail)
        let length = header.packetLength - 2
        let restored = UnsafeMutableRawBufferPointer(rebasing: packet[0..<length])
        do {
            var view = try RTPHeaderView(parsing: UnsafeRawBufferPointer(restored))
            try view.setSequenceNumber(originalSequence, in: restored)
            try view.setSSRC(primary, in: restored)
            try view.setPayloadType(originalPayloadType, in: restored)
            header = view
        } catch {
            drop(.malformedRTP)
            return nil
        }
        return length
    }

    /// Removes SRTP/SRTCP in place; nil (and a counted drop) when there are no keys yet or
    /// authentication fails. Returns the plain packet inside `datagram`.
    @inline(__always)
    func unprotect(_ datagram: UnsafeMutableRawBufferPointer, from endpoint: Endpoint, rtcp: Bool) -> UnsafeMutableRawBufferPointer? {
        guard let srtp = endpoint.inboundSRTP, let base = datagram.baseAddress else {
            drop(.noKeys)
            return nil
        }
        do {
            let length = rtcp
                ? try srtp.unprotectRTCP(base, length: datagram.count)
                : try srtp.unprotectRTP(base, length: datagram.count)
            return UnsafeMutableRawBufferPointer(rebasing: datagram[0..<length])
        } catch {
            drop(Self.dropReason(for: error))
            return nil
        }
    }

    /// A big-endian 32-bit word of a datagram whose length the caller checked.
    @inline(__always)
    static func load32(_ bytes: UnsafeMutableRawBufferPointer, at offset: Int) -> UInt32 {
        UInt32(bytes[offset]) << 24 | UInt32(bytes[offset + 1]) << 16 | UInt32(bytes[offset + 2]) << 8 | UInt32(bytes[offset + 3])
    }

    static func dropReason(for error: SRTPError) -> DropReason {
        switch error {
        case .authenticationFailed: .srtpAuthenticationFailed
        case .replayed: .srtpReplay
        default: .srtpError
        }
    }
}

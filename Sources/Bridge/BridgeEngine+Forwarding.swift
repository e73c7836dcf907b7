import Primitives
import RTP
import SRTP

extension BridgeEngine {
    /// The forwarding hot path: decrypt in place, parse a view, strip per-hop extensions once,
    /// then for each receiver copy into a send slot and encrypt there with the receiver's keys.
    /// Nothing here allocates once a stream's tables exist, and nothing takes a lock.
    func handleRTP(_ datagram: UnsafeMutableRawBufferPointer, from sender: Endpoint, now: Instant, transmit: TransmitQueue) {
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
        guard !sender.isForceMuted(payload.kind) else { return drop(.forceMuted) }
        if let originalPayloadType = payload.associatedPayloadType {
            // RTX is hop-by-hop: restore the original packet so it is cached and forwarded as such.
            guard let restored = unwrapRTX(&header, in: packet, sender: sender, originalPayloadType: originalPayloadType) else { return }
            packet = UnsafeMutableRawBufferPointer(rebasing: packet[0..<restored])
        }
        guard let conference = conferences[sender.meetingID] else { return }
        let stream = inboundStream(header.ssrc, kind: payload.kind, of: sender)
        stream.statistics.record(sequenceNumber: header.sequenceNumber, rtpTimestamp: header.timestamp, arrival: now)

        // Header extensions are per hop (docs/colibri2.md §5.2): only level, orientation and the
        // AV1 dependency descriptor travel on; the sender's MID in particular must not.
        guard let length = try? header.retainExtensions(sender.media.forwardedExtensionIDs, in: packet) else {
            return drop(.malformedRTP)
        }
        let forwarded = UnsafeRawBufferPointer(rebasing: packet[0..<length])
        stream.remember(forwarded, sequenceNumber: header.sequenceNumber, now: now)

        for receiver in conference.endpoints where receiver !== sender && receiver.media.accepts(payload.kind) {
            guard let address = receiver.address, let outbound = receiver.outboundSRTP else { continue }
            sendRTP(forwarded, to: address, protectedBy: outbound, transmit: transmit)
        }
    }

    /// Copies a plain RTP packet into a send slot, encrypts it there, and commits it.
    @inline(__always)
    func sendRTP(_ packet: UnsafeRawBufferPointer, to address: PeerAddress, protectedBy srtp: SRTPSession, transmit: TransmitQueue) {
        var sentBytes = 0
        transmit.append(to: address) { slot in
            guard let destination = slot.baseAddress, let source = packet.baseAddress,
                packet.count + SRTPSession.maximumTrailerLength <= slot.count
            else { return 0 }
            destination.copyMemory(from: source, byteCount: packet.count)
            let protected = (try? srtp.protectRTP(destination, length: packet.count, capacity: slot.count)) ?? 0
            sentBytes = protected
            return protected
        }
        if sentBytes > 0 {
            counters.packetsSent &+= 1
            counters.bytesSent &+= UInt64(sentBytes)
        }
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

/// One direction of SRTP/SRTCP for one peer on OpenSSL's EVP: `SRTPBackend.openSSL`, the same
/// contract as libsrtp2 without its per-operation allocations under Debian's NSS backend. Contexts are keyed once per session; per SSRC it keeps the packet index state
/// (RFC 3711 §3.3.1) and, inbound, replay windows (§3.3.2). Not thread-safe: one owner drives it.
final class OpenSSLSRTPSession {
    /// What the session knows of one SSRC. A class, so the per-packet lookup mutates in place.
    private final class Stream {
        var rtp = SRTPReplayWindow()
        var rtcp = SRTPReplayWindow()
        /// The last SRTCP index sent (outbound); the first packet carries 1, as libsrtp2's do.
        var lastRTCPIndex: UInt32 = 0
    }

    /// SSRCs a session tracks at most; a peer cannot grow it without bound.
    static let maximumStreams = 1024

    let profile: SRTPProfile
    private let rtpContext: SRTPCipherContext
    private let rtcpContext: SRTPCipherContext
    private var streams: [UInt32: Stream] = [:]

    /// Creates a session from a master key followed by its master salt.
    init(profile: SRTPProfile, masterKeyAndSalt: [UInt8], direction: SRTPDirection) throws(SRTPError) {
        guard masterKeyAndSalt.count == profile.masterKeyLength + profile.masterSaltLength else { throw .badParameters }
        let key = Array(masterKeyAndSalt.prefix(profile.masterKeyLength))
        let salt = Array(masterKeyAndSalt.suffix(profile.masterSaltLength))
        let decrypts = direction == .inbound
        guard let rtp = SRTPCipherContext(profile: profile, masterKey: key, masterSalt: salt, rtcp: false, decrypts: decrypts),
            let rtcp = SRTPCipherContext(profile: profile, masterKey: key, masterSalt: salt, rtcp: true, decrypts: decrypts)
        else { throw .badParameters }
        self.profile = profile
        rtpContext = rtp
        rtcpContext = rtcp
    }

    /// The state of `ssrc`, created on first use. Inbound, a stream is only created once its
    /// first packet proved authentic, so forged SSRCs cannot fill the table.
    private func stream(_ ssrc: UInt32) throws(SRTPError) -> Stream {
        if let known = streams[ssrc] { return known }
        guard streams.count < Self.maximumStreams else { throw .tooManyStreams }
        let created = Stream()
        streams[ssrc] = created
        return created
    }

    /// `known`, or the new stream of an SSRC whose first packet just authenticated.
    private func stream(_ ssrc: UInt32, known: Stream?) throws(SRTPError) -> Stream {
        if let known { return known }
        return try stream(ssrc)
    }

    /// Bytes of the RTP header (fixed part, CSRCs, extension), or nil if it overruns `length`.
    private static func headerLength(_ packet: UnsafeRawPointer, length: Int) -> Int? {
        let first = packet.load(as: UInt8.self)
        var header = 12 + 4 * Int(first & 0x0F)
        if first & 0x10 != 0 {
            guard length >= header + 4 else { return nil }
            let words = Int(packet.load(fromByteOffset: header + 2, as: UInt8.self)) << 8
                | Int(packet.load(fromByteOffset: header + 3, as: UInt8.self))
            header += 4 + 4 * words
        }
        return header <= length ? header : nil
    }

    private static func readUInt32(_ packet: UnsafeRawPointer, at offset: Int) -> UInt32 {
        UInt32(bigEndian: packet.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
    }

    private static func isVersion2(_ packet: UnsafeRawPointer) -> Bool { packet.load(as: UInt8.self) >> 6 == 2 }

    // MARK: RTP

    /// Encrypts and authenticates an RTP packet in place; returns the new length.
    func protectRTP(_ packet: UnsafeMutableRawPointer, length: Int, capacity: Int) throws(SRTPError) -> Int {
        let tagLength = profile.rtpTrailerLength
        guard length >= 12, Self.isVersion2(packet), let header = Self.headerLength(packet, length: length) else { throw .malformed }
        guard capacity >= length + tagLength else { throw .bufferTooSmall }
        let ssrc = Self.readUInt32(packet, at: 8)
        let sequence = UInt16(bigEndian: packet.loadUnaligned(fromByteOffset: 2, as: UInt16.self))
        let state = try stream(ssrc)
        // Re-sending an index already sent (answers to NACKs) is allowed outbound.
        let index = state.rtp.estimateIndex(sequenceNumber: sequence)
        state.rtp.noteSent(index)
        let roc = UInt32(truncatingIfNeeded: index >> 16)
        switch profile {
        case .aeadAES128GCM:
            let aad = SRTPCipherContext.AdditionalData(first: UnsafeRawPointer(packet), firstLength: header)
            guard rtpContext.seal(
                ssrc: ssrc, high: roc, low: UInt32(sequence), lowBytes: 2, aad: aad,
                plain: packet + header, length: length - header, tag: packet + length)
            else { throw .cryptoFailed }
        case .aes128CMHMACSHA1_80:
            guard rtpContext.applyCounterMode(packet + header, length: length - header, ssrc: ssrc, index: index),
                rtpContext.authenticate(packet, length: length, suffix: roc, into: packet + length, tagLength: tagLength)
            else { throw .cryptoFailed }
        }
        return length + tagLength
    }

    /// Verifies and decrypts an SRTP packet in place; returns the plain length.
    func unprotectRTP(_ packet: UnsafeMutableRawPointer, length: Int) throws(SRTPError) -> Int {
        let tagLength = profile.rtpTrailerLength
        guard length >= 12 + tagLength, Self.isVersion2(packet),
            let header = Self.headerLength(packet, length: length - tagLength)
        else { throw .malformed }
        let ssrc = Self.readUInt32(packet, at: 8)
        let sequence = UInt16(bigEndian: packet.loadUnaligned(fromByteOffset: 2, as: UInt16.self))
        let known = streams[ssrc]
        // A first packet of an SSRC starts its index at its sequence number (ROC 0).
        let index = known?.rtp.estimateIndex(sequenceNumber: sequence) ?? UInt64(sequence)
        if let known, !known.rtp.admits(index) { throw .replayed }
        let roc = UInt32(truncatingIfNeeded: index >> 16)
        let sealedLength = length - tagLength - header
        switch profile {
        case .aeadAES128GCM:
            let aad = SRTPCipherContext.AdditionalData(first: UnsafeRawPointer(packet), firstLength: header)
            guard rtpContext.open(
                ssrc: ssrc, high: roc, low: UInt32(sequence), lowBytes: 2, aad: aad,
                sealed: packet + header, length: sealedLength, tag: packet + (length - tagLength))
            else { throw .authenticationFailed }
        case .aes128CMHMACSHA1_80:
            var computed: (UInt64, UInt64, UInt32) = (0, 0, 0)
            let authentic = withUnsafeMutableBytes(of: &computed) { scratch in
                rtpContext.authenticate(packet, length: length - tagLength, suffix: roc, into: scratch.baseAddress!, tagLength: tagLength)
                    && SRTPCipherContext.tagsMatch(scratch.baseAddress!, packet + (length - tagLength), length: tagLength)
            }
            guard authentic else { throw .authenticationFailed }
            guard rtpContext.applyCounterMode(packet + header, length: sealedLength, ssrc: ssrc, index: index) else {
                throw .cryptoFailed
            }
        }
        try stream(ssrc, known: known).rtp.accept(index)
        return length - tagLength
    }

    // MARK: RTCP

    /// Encrypts and authenticates an RTCP compound packet in place; returns the new length.
    func protectRTCP(_ packet: UnsafeMutableRawPointer, length: Int, capacity: Int) throws(SRTPError) -> Int {
        let trailer = profile.rtcpTrailerLength
        guard length >= 8, Self.isVersion2(packet) else { throw .malformed }
        guard capacity >= length + trailer else { throw .bufferTooSmall }
        let ssrc = Self.readUInt32(packet, at: 4)
        let state = try stream(ssrc)
        let index = (state.lastRTCPIndex &+ 1) & 0x7FFF_FFFF
        state.lastRTCPIndex = index
        let word = (0x8000_0000 | index).bigEndian  // E flag: encrypted
        switch profile {
        case .aeadAES128GCM:
            // Layout (RFC 7714 §9): header(8) | ciphertext | tag(16) | E+index(4).
            let tagAt = length, wordAt = length + 16
            packet.storeBytes(of: word, toByteOffset: wordAt, as: UInt32.self)
            let aad = SRTPCipherContext.AdditionalData(
                first: UnsafeRawPointer(packet), firstLength: 8, second: UnsafeRawPointer(packet + wordAt), secondLength: 4)
            guard rtcpContext.seal(
                ssrc: ssrc, high: 0, low: index, lowBytes: 4, aad: aad, plain: packet + 8, length: length - 8,
                tag: packet + tagAt)
            else { throw .cryptoFailed }
        case .aes128CMHMACSHA1_80:
            // Layout (RFC 3711 §3.4): header(8) | ciphertext | E+index(4) | tag(10).
            guard rtcpContext.applyCounterMode(packet + 8, length: length - 8, ssrc: ssrc, index: UInt64(index)) else {
                throw .cryptoFailed
            }
            packet.storeBytes(of: word, toByteOffset: length, as: UInt32.self)
            guard rtcpContext.authenticate(packet, length: length + 4, suffix: nil, into: packet + length + 4, tagLength: 10) else {
                throw .cryptoFailed
            }
        }
        return length + trailer
    }

    /// Verifies and decrypts an SRTCP packet in place; returns the plain length.
    func unprotectRTCP(_ packet: UnsafeMutableRawPointer, length: Int) throws(SRTPError) -> Int {
        let trailer = profile.rtcpTrailerLength
        guard length >= 8 + trailer, Self.isVersion2(packet) else { throw .malformed }
        let ssrc = Self.readUInt32(packet, at: 4)
        let known = streams[ssrc]
        let plainLength = length - trailer
        let wordAt = profile == .aeadAES128GCM ? length - 4 : length - 14
        let word = Self.readUInt32(packet, at: wordAt)
        let encrypted = word & 0x8000_0000 != 0
        let index = word & 0x7FFF_FFFF
        if let known, !known.rtcp.admits(UInt64(index)) { throw .replayed }
        switch profile {
        case .aeadAES128GCM:
            let aad = SRTPCipherContext.AdditionalData(
                first: UnsafeRawPointer(packet), firstLength: encrypted ? 8 : plainLength,
                second: UnsafeRawPointer(packet + wordAt), secondLength: 4)
            guard rtcpContext.open(
                ssrc: ssrc, high: 0, low: index, lowBytes: 4, aad: aad,
                sealed: packet + 8, length: encrypted ? plainLength - 8 : 0, tag: packet + plainLength)
            else { throw .authenticationFailed }
        case .aes128CMHMACSHA1_80:
            var computed: (UInt64, UInt64, UInt32) = (0, 0, 0)
            let authentic = withUnsafeMutableBytes(of: &computed) { scratch in
                rtcpContext.authenticate(packet, length: length - 10, suffix: nil, into: scratch.baseAddress!, tagLength: 10)
                    && SRTPCipherContext.tagsMatch(scratch.baseAddress!, packet + (length - 10), length: 10)
            }
            guard authentic else { throw .authenticationFailed }
            if encrypted {
                guard rtcpContext.applyCounterMode(packet + 8, length: plainLength - 8, ssrc: ssrc, index: UInt64(index)) else {
                    throw .cryptoFailed
                }
            }
        }
        try stream(ssrc, known: known).rtcp.accept(UInt64(index))
        return plainLength
    }
}

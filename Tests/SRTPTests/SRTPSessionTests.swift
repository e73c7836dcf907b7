import SRTP
import Testing

@Suite struct SRTPSessionTests {
    static let profiles: [SRTPProfile] = [.aes128CMHMACSHA1_80, .aeadAES128GCM]

    static func key(for profile: SRTPProfile, fill: UInt8 = 0x42) -> [UInt8] {
        (0..<(profile.masterKeyLength + profile.masterSaltLength)).map { UInt8(truncatingIfNeeded: Int(fill) &+ $0) }
    }

    static func pair(_ profile: SRTPProfile, _ backend: SRTPBackend) throws -> (SRTPSession, SRTPSession) {
        let key = key(for: profile)
        return (
            try SRTPSession(profile: profile, masterKeyAndSalt: key, direction: .outbound, backend: backend),
            try SRTPSession(profile: profile, masterKeyAndSalt: key, direction: .inbound, backend: backend)
        )
    }

    /// Version 2, PT 111, the given sequence number, SSRC 0x01020304, a 160-byte payload.
    static func rtpPacket(sequence: UInt16, ssrc: UInt32 = 0x0102_0304) -> [UInt8] {
        var bytes: [UInt8] = [0x80, 111, UInt8(sequence >> 8), UInt8(sequence & 0xFF), 0, 0, 0x10, 0]
        bytes += withUnsafeBytes(of: ssrc.bigEndian, Array.init)
        bytes += (0..<160).map { UInt8(truncatingIfNeeded: $0) }
        return bytes
    }

    /// A receiver report with one report block (RFC 3550 section 6.4.2).
    static let receiverReport: [UInt8] = [0x81, 201, 0, 7] + [1, 2, 3, 4] + [UInt8](repeating: 0x5A, count: 24)

    @Test func profileFromDTLS() {
        #expect(SRTPProfile(dtlsProtectionProfileID: 7) == .aeadAES128GCM)
        #expect(SRTPProfile(dtlsProtectionProfileID: 1) == .aes128CMHMACSHA1_80)
        #expect(SRTPProfile(dtlsProtectionProfileID: 8) == nil)
        #expect(SRTPProfile.aeadAES128GCM.masterSaltLength == 12)
        #expect(SRTPProfile.aes128CMHMACSHA1_80.masterSaltLength == 14)
    }

    @Test(arguments: SRTPBackend.allCases, profiles)
    func rtpRoundTrip(_ backend: SRTPBackend, profile: SRTPProfile) throws {
        let (sender, receiver) = try Self.pair(profile, backend)
        for sequence: UInt16 in [65_534, 65_535, 0, 1] {  // across a rollover
            let plain = Self.rtpPacket(sequence: sequence)
            let packet = PacketBuffer(plain)
            packet.length = try sender.protectRTP(packet.pointer, length: packet.length, capacity: packet.capacity)
            #expect(packet.length == plain.count + profile.rtpTrailerLength)
            #expect(packet.bytes[12...] != plain[12...])
            packet.length = try receiver.unprotectRTP(packet.pointer, length: packet.length)
            #expect(packet.bytes == plain)
        }
    }

    @Test(arguments: SRTPBackend.allCases, profiles)
    func rtcpRoundTrip(_ backend: SRTPBackend, profile: SRTPProfile) throws {
        let (sender, receiver) = try Self.pair(profile, backend)
        for _ in 0..<3 {
            let packet = PacketBuffer(Self.receiverReport)
            packet.length = try sender.protectRTCP(packet.pointer, length: packet.length, capacity: packet.capacity)
            #expect(packet.length == Self.receiverReport.count + profile.rtcpTrailerLength)
            packet.length = try receiver.unprotectRTCP(packet.pointer, length: packet.length)
            #expect(packet.bytes == Self.receiverReport)
        }
    }

    @Test(arguments: SRTPBackend.allCases, profiles)
    func replayIsDetected(_ backend: SRTPBackend, profile: SRTPProfile) throws {
        let (sender, receiver) = try Self.pair(profile, backend)
        let packet = PacketBuffer(Self.rtpPacket(sequence: 100))
        packet.length = try sender.protectRTP(packet.pointer, length: packet.length, capacity: packet.capacity)
        let wire = packet.bytes
        _ = try receiver.unprotectRTP(packet.pointer, length: packet.length)
        let again = PacketBuffer(wire)
        #expect(throws: SRTPError.replayed) { try receiver.unprotectRTP(again.pointer, length: again.length) }

        let rtcp = PacketBuffer(Self.receiverReport)
        rtcp.length = try sender.protectRTCP(rtcp.pointer, length: rtcp.length, capacity: rtcp.capacity)
        let rtcpWire = rtcp.bytes
        _ = try receiver.unprotectRTCP(rtcp.pointer, length: rtcp.length)
        let rtcpAgain = PacketBuffer(rtcpWire)
        #expect(throws: SRTPError.replayed) { try receiver.unprotectRTCP(rtcpAgain.pointer, length: rtcpAgain.length) }
    }

    @Test(arguments: SRTPBackend.allCases)
    func packetTooOldForWindowIsReplayed(_ backend: SRTPBackend) throws {
        let (sender, receiver) = try Self.pair(.aeadAES128GCM, backend)
        func protect(_ sequence: UInt16) throws -> PacketBuffer {
            let packet = PacketBuffer(Self.rtpPacket(sequence: sequence))
            packet.length = try sender.protectRTP(packet.pointer, length: packet.length, capacity: packet.capacity)
            return packet
        }
        let old = try protect(10)
        let new = try protect(2000)  // 1990 ahead: beyond the 1024-packet window
        _ = try receiver.unprotectRTP(new.pointer, length: new.length)
        #expect(throws: SRTPError.replayed) { try receiver.unprotectRTP(old.pointer, length: old.length) }
    }

    @Test(arguments: SRTPBackend.allCases)
    func outboundMayResendForNACK(_ backend: SRTPBackend) throws {
        let (sender, receiver) = try Self.pair(.aeadAES128GCM, backend)
        let plain = Self.rtpPacket(sequence: 7)
        let first = PacketBuffer(plain)
        first.length = try sender.protectRTP(first.pointer, length: first.length, capacity: first.capacity)
        let resend = PacketBuffer(plain)
        resend.length = try sender.protectRTP(resend.pointer, length: resend.length, capacity: resend.capacity)
        #expect(resend.bytes == first.bytes)
        _ = try receiver.unprotectRTP(first.pointer, length: first.length)
    }

    @Test(arguments: SRTPBackend.allCases, profiles)
    func wrongKeyFailsAuthentication(_ backend: SRTPBackend, profile: SRTPProfile) throws {
        let sender = try SRTPSession(profile: profile, masterKeyAndSalt: Self.key(for: profile), direction: .outbound, backend: backend)
        let receiver = try SRTPSession(
            profile: profile, masterKeyAndSalt: Self.key(for: profile, fill: 0x43), direction: .inbound, backend: backend)
        let packet = PacketBuffer(Self.rtpPacket(sequence: 1))
        packet.length = try sender.protectRTP(packet.pointer, length: packet.length, capacity: packet.capacity)
        #expect(throws: SRTPError.authenticationFailed) { try receiver.unprotectRTP(packet.pointer, length: packet.length) }
    }

    @Test(arguments: SRTPBackend.allCases, profiles)
    func bufferTooSmall(_ backend: SRTPBackend, profile: SRTPProfile) throws {
        let (sender, _) = try Self.pair(profile, backend)
        let packet = PacketBuffer(Self.rtpPacket(sequence: 1))
        #expect(throws: SRTPError.bufferTooSmall) {
            try sender.protectRTP(packet.pointer, length: packet.length, capacity: packet.length + profile.rtpTrailerLength - 1)
        }
        #expect(throws: SRTPError.bufferTooSmall) {
            try sender.protectRTCP(packet.pointer, length: 32, capacity: 32 + profile.rtcpTrailerLength - 1)
        }
        // Exactly enough room works.
        _ = try sender.protectRTP(packet.pointer, length: packet.length, capacity: packet.length + profile.rtpTrailerLength)
    }

    @Test(arguments: SRTPBackend.allCases)
    func malformedInput(_ backend: SRTPBackend) throws {
        let (sender, receiver) = try Self.pair(.aeadAES128GCM, backend)
        let short = PacketBuffer([0x80, 0, 0, 1])
        #expect(throws: SRTPError.malformed) { try sender.protectRTP(short.pointer, length: short.length, capacity: short.capacity) }
        #expect(throws: SRTPError.malformed) { try receiver.unprotectRTP(short.pointer, length: short.length) }
        #expect(throws: SRTPError.malformed) { try receiver.unprotectRTCP(short.pointer, length: short.length) }
        let notRTP = PacketBuffer([UInt8](repeating: 0x17, count: 60))  // a DTLS record's first byte
        #expect(throws: SRTPError.malformed) { try receiver.unprotectRTP(notRTP.pointer, length: notRTP.length) }
    }

    @Test(arguments: SRTPBackend.allCases)
    func wrongKeyLengthIsRejected(_ backend: SRTPBackend) {
        #expect(throws: SRTPError.badParameters) {
            try SRTPSession(profile: .aeadAES128GCM, masterKeyAndSalt: [UInt8](repeating: 1, count: 30), direction: .inbound, backend: backend)
        }
    }

    @Test(arguments: SRTPBackend.allCases)
    func garbageNeverTraps(_ backend: SRTPBackend) throws {
        let (_, receiver) = try Self.pair(.aes128CMHMACSHA1_80, backend)
        var generator = SystemRandomNumberGenerator()
        for length in 0..<200 {
            var bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            if length > 0 { bytes[0] = 0x80 | (bytes[0] & 0x3F) }
            let packet = PacketBuffer(bytes)
            _ = try? receiver.unprotectRTP(packet.pointer, length: packet.length)
            _ = try? receiver.unprotectRTCP(packet.pointer, length: packet.length)
        }
    }
}

import COpenSSLShims
import Primitives
import Testing
@testable import SRTP

/// The OpenSSL SRTP transforms against RFC 3711's key-derivation vector and, packet for
/// packet, against the libsrtp2 backend as the oracle.
@Suite struct OpenSSLSRTPSessionTests {
    /// RFC 3711 Appendix B.3.
    @Test func keyDerivationVector() {
        let key = hex("E1F97A0D3E018BE0D64FA32C06DE4139"), salt = hex("0EC675AD498AFEEBB6960B3AABE6")
        #expect(SRTPKeyDerivation.derive(masterKey: key, masterSalt: salt, label: .rtpEncryption, length: 16)
            == hex("C61E7A93744F39EE10734AFE3FF7A087"))
        #expect(SRTPKeyDerivation.derive(masterKey: key, masterSalt: salt, label: .rtpSalt, length: 14)
            == hex("30CBBC08863D8C85D49DB34A9AE1"))
        #expect(SRTPKeyDerivation.derive(masterKey: key, masterSalt: salt, label: .rtpAuthentication, length: 20)
            == hex("CEBE321F6FF7716B6FD4AB49AF256A156D38BAA4"))
    }

    static let profiles: [SRTPProfile] = [.aeadAES128GCM, .aes128CMHMACSHA1_80]

    static func keying(_ profile: SRTPProfile, seed: UInt64) -> [UInt8] {
        var generator = SplitMix64(seed: seed)
        return (0..<(profile.masterKeyLength + profile.masterSaltLength)).map { _ in UInt8.random(in: 0...255, using: &generator) }
    }

    /// An RTP packet with a CSRC and a one-byte header extension, as the bridge forwards them.
    static func rtp(sequence: UInt16, ssrc: UInt32, payload: Int) -> [UInt8] {
        var packet: [UInt8] = [0x91, 0x60, UInt8(sequence >> 8), UInt8(sequence & 0xFF), 0, 0, 0x12, 0x34]
        packet += withUnsafeBytes(of: ssrc.bigEndian, Array.init)
        packet += [0xCA, 0xFE, 0xBA, 0xBE]  // CSRC
        packet += [0xBE, 0xDE, 0x00, 0x01, 0x10, 0xAB, 0x00, 0x00]  // one extension element
        packet += (0..<payload).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ Int(sequence)) }
        return packet
    }

    static func rtcp(ssrc: UInt32) -> [UInt8] {
        // A receiver report with one block.
        var packet: [UInt8] = [0x81, 201, 0x00, 0x07]
        packet += withUnsafeBytes(of: ssrc.bigEndian, Array.init)
        packet += (0..<24).map { UInt8($0) }
        return packet
    }

    typealias Transform = (UnsafeMutableRawPointer, Int, Int) throws -> Int

    static func apply(_ packet: [UInt8], _ transform: Transform) throws -> [UInt8] {
        var buffer = packet + [UInt8](repeating: 0, count: SRTPSession.maximumTrailerLength)
        let length = try buffer.withUnsafeMutableBytes { raw in try transform(raw.baseAddress!, packet.count, raw.count) }
        return Array(buffer.prefix(length))
    }

    /// Both backends' sessions, each way, on the same keys.
    struct BackendPair {
        let ours, oracle, oursIn, oracleIn: SRTPSession

        init(_ profile: SRTPProfile, seed: UInt64) throws {
            let keys = OpenSSLSRTPSessionTests.keying(profile, seed: seed)
            func session(_ direction: SRTPDirection, _ backend: SRTPBackend) throws -> SRTPSession {
                try SRTPSession(profile: profile, masterKeyAndSalt: keys, direction: direction, backend: backend)
            }
            (ours, oracle) = (try session(.outbound, .openSSL), try session(.outbound, .libsrtp))
            (oursIn, oracleIn) = (try session(.inbound, .openSSL), try session(.inbound, .libsrtp))
        }

        /// Protects `plain` with both backends, expects the same bytes, and each backend to open
        /// the other's packet; returns the protected packet.
        @discardableResult
        func expectIdentical(_ plain: [UInt8], rtcp: Bool = false) throws -> [UInt8] {
            let protected = try Self.protect(plain, with: ours, rtcp: rtcp)
            let expected = try Self.protect(plain, with: oracle, rtcp: rtcp)
            #expect(protected == expected)
            #expect(try Self.unprotect(expected, with: oursIn, rtcp: rtcp) == plain)
            #expect(try Self.unprotect(protected, with: oracleIn, rtcp: rtcp) == plain)
            return protected
        }

        static func protect(_ plain: [UInt8], with session: SRTPSession, rtcp: Bool) throws -> [UInt8] {
            try OpenSSLSRTPSessionTests.apply(plain) { packet, length, capacity in
                rtcp ? try session.protectRTCP(packet, length: length, capacity: capacity)
                    : try session.protectRTP(packet, length: length, capacity: capacity)
            }
        }

        static func unprotect(_ protected: [UInt8], with session: SRTPSession, rtcp: Bool) throws -> [UInt8] {
            try OpenSSLSRTPSessionTests.apply(protected) { packet, length, _ in
                rtcp ? try session.unprotectRTCP(packet, length: length) : try session.unprotectRTP(packet, length: length)
            }
        }
    }

    @Test(arguments: profiles)
    func rtpIsByteIdenticalToLibsrtpAcrossTheSequenceWrap(_ profile: SRTPProfile) throws {
        let pair = try BackendPair(profile, seed: 1)
        for sequence in [UInt16(65530)...65535, 0...5].joined() {
            try pair.expectIdentical(Self.rtp(sequence: sequence, ssrc: 0x1122_3344, payload: 100 + Int(sequence % 7)))
        }
    }

    @Test(arguments: profiles)
    func rtcpIsByteIdenticalToLibsrtp(_ profile: SRTPProfile) throws {
        let pair = try BackendPair(profile, seed: 2)
        for _ in 0..<3 { try pair.expectIdentical(Self.rtcp(ssrc: 0x5566_7788), rtcp: true) }
    }

    @Test(arguments: profiles)
    func replaysAndForgeriesAreRefused(_ profile: SRTPProfile) throws {
        let keys = Self.keying(profile, seed: 3)
        let sender = try SRTPSession(profile: profile, masterKeyAndSalt: keys, direction: .outbound, backend: .libsrtp)
        let receiver = try SRTPSession(profile: profile, masterKeyAndSalt: keys, direction: .inbound, backend: .openSSL)
        let protected = try Self.apply(Self.rtp(sequence: 10, ssrc: 7, payload: 50)) { try sender.protectRTP($0, length: $1, capacity: $2) }
        var forged = protected
        forged[30] ^= 1
        #expect(throws: SRTPError.authenticationFailed) {
            try Self.apply(forged) { p, l, _ in try receiver.unprotectRTP(p, length: l) }
        }
        _ = try Self.apply(protected) { p, l, _ in try receiver.unprotectRTP(p, length: l) }
        #expect(throws: SRTPError.replayed) {
            try Self.apply(protected) { p, l, _ in try receiver.unprotectRTP(p, length: l) }
        }
        #expect(throws: SRTPError.malformed) {
            try Self.apply([0x80, 0x60, 0, 1]) { p, l, _ in try receiver.unprotectRTP(p, length: l) }
        }
    }

    /// Random header shapes (CSRC count, extension length, marker), payload sizes, five SSRCs
    /// with sequence jumps that cross the wrap: the backends write the same bytes and accept
    /// each other's packets; truncated packets are refused by both.
    @Test(arguments: profiles)
    func randomPacketsMatchLibsrtp(_ profile: SRTPProfile) throws {
        var generator = SplitMix64(seed: 6)
        let pair = try BackendPair(profile, seed: 6)
        var sequences = (0..<5).map { _ in UInt16.random(in: 0...UInt16.max, using: &generator) }
        for _ in 0..<2_000 {
            let stream = Int.random(in: 0..<5, using: &generator)
            sequences[stream] &+= UInt16.random(in: 1...400, using: &generator)
            let csrcs = Int.random(in: 0...15, using: &generator)
            let extensionWords = Int.random(in: -1...12, using: &generator)  // -1: no extension
            var plain: [UInt8] = [
                0x80 | UInt8(csrcs) | (extensionWords >= 0 ? 0x10 : 0), UInt8.random(in: 0...255, using: &generator),
                UInt8(sequences[stream] >> 8), UInt8(truncatingIfNeeded: sequences[stream]),
            ]
            plain += (0..<4).map { _ in UInt8.random(in: 0...255, using: &generator) }
            plain += withUnsafeBytes(of: (0xA000_0000 | UInt32(stream)).bigEndian, Array.init)
            plain += (0..<(4 * csrcs)).map { _ in UInt8.random(in: 0...255, using: &generator) }
            if extensionWords >= 0 {
                plain += [0xBE, 0xDE, 0, UInt8(extensionWords)]
                plain += (0..<(4 * extensionWords)).map { _ in UInt8.random(in: 0...255, using: &generator) }
            }
            plain += (0..<Int.random(in: 0...1_200, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }
            // A truncated copy first: refusing it must leave the replay state untouched.
            let protected = try Self.apply(plain) { try pair.ours.protectRTP($0, length: $1, capacity: $2) }
            let truncated = Array(protected.dropLast(Int.random(in: 1...4, using: &generator)))
            #expect(throws: SRTPError.self) { try Self.apply(truncated) { p, l, _ in try pair.oursIn.unprotectRTP(p, length: l) } }
            #expect(throws: SRTPError.self) { try Self.apply(truncated) { p, l, _ in try pair.oracleIn.unprotectRTP(p, length: l) } }
            #expect(try Self.apply(protected) { p, l, _ in try pair.oursIn.unprotectRTP(p, length: l) } == plain)
            #expect(try Self.apply(protected) { p, l, _ in try pair.oracleIn.unprotectRTP(p, length: l) } == plain)
            #expect(try Self.apply(plain) { try pair.oracle.protectRTP($0, length: $1, capacity: $2) } == protected)
        }
    }

    /// Inbound streams are created only for authentic packets, so a flood of forged SSRCs leaves
    /// room for the sender's real ones.
    @Test(arguments: profiles)
    func forgedSSRCsDoNotFillTheStreamTable(_ profile: SRTPProfile) throws {
        let keys = Self.keying(profile, seed: 4)
        let sender = try SRTPSession(profile: profile, masterKeyAndSalt: keys, direction: .outbound)
        let receiver = try SRTPSession(profile: profile, masterKeyAndSalt: keys, direction: .inbound)
        let genuine = try Self.apply(Self.rtp(sequence: 1, ssrc: 1, payload: 40)) { try sender.protectRTP($0, length: $1, capacity: $2) }
        for ssrc in 2..<UInt32(OpenSSLSRTPSession.maximumStreams + 10) {
            var forged = genuine
            forged.replaceSubrange(8..<12, with: withUnsafeBytes(of: ssrc.bigEndian, Array.init))
            #expect(throws: SRTPError.authenticationFailed) { try Self.apply(forged) { p, l, _ in try receiver.unprotectRTP(p, length: l) } }
        }
        let real = Self.rtp(sequence: 9, ssrc: 0xABCD_0001, payload: 40)
        let protected = try Self.apply(real) { try sender.protectRTP($0, length: $1, capacity: $2) }
        #expect(try Self.apply(protected) { p, l, _ in try receiver.unprotectRTP(p, length: l) } == real)
    }

    @Test func streamTableIsBounded() throws {
        let keys = Self.keying(.aeadAES128GCM, seed: 5)
        let sender = try SRTPSession(profile: .aeadAES128GCM, masterKeyAndSalt: keys, direction: .outbound)
        for ssrc in 0..<UInt32(OpenSSLSRTPSession.maximumStreams) {
            _ = try Self.apply(Self.rtp(sequence: 1, ssrc: ssrc, payload: 10)) { try sender.protectRTP($0, length: $1, capacity: $2) }
        }
        #expect(throws: SRTPError.tooManyStreams) {
            try Self.apply(Self.rtp(sequence: 1, ssrc: 0xFFFF_FFFF, payload: 10)) { try sender.protectRTP($0, length: $1, capacity: $2) }
        }
    }

    /// The allocation-free HMAC-SHA1 against RFC 2202's test cases 1, 2 and 6 (a key longer than
    /// a block), and with the message split between body and suffix as SRTP's ROC is.
    @Test func hmacSHA1MatchesRFC2202() {
        func hmac(_ key: [UInt8], _ message: [UInt8], split: Int) -> [UInt8] {
            var prepared = mp_hmac_sha1_key()
            #expect(mp_hmac_sha1_key_init(&prepared, key, key.count) == 1)
            var digest = [UInt8](repeating: 0, count: 20)
            let body = Array(message.prefix(split)), suffix = Array(message.dropFirst(split))
            #expect(mp_hmac_sha1(&prepared, body, body.count, suffix, suffix.count, &digest) == 1)
            return digest
        }
        let cases: [([UInt8], String, String)] = [
            ([UInt8](repeating: 0x0B, count: 20), "Hi There", "B617318655057264E28BC0B6FB378C8EF146BE00"),
            (Array("Jefe".utf8), "what do ya want for nothing?", "EFFCDF6AE5EB2FA2D27416D5F184DF9C259A7C79"),
            ([UInt8](repeating: 0xAA, count: 80), "Test Using Larger Than Block-Size Key - Hash Key First",
             "AA4AE5E15272D00E95705637CE8A3B55ED402112"),
        ]
        for (key, message, expected) in cases {
            let bytes = Array(message.utf8)
            #expect(hmac(key, bytes, split: bytes.count) == hex(expected))
            #expect(hmac(key, bytes, split: bytes.count - 4) == hex(expected))
        }
    }

    @Test func replayWindowAcceptsReorderingWithinItsSize() {
        var window = SRTPReplayWindow()
        window.accept(5000)
        #expect(window.admits(4999) && window.admits(5000 - 1023) && !window.admits(5000 - 1024))
        window.accept(4999)
        #expect(!window.admits(4999) && !window.admits(5000))
        window.accept(5000 + 70)
        #expect(!window.admits(4999) && !window.admits(5000) && window.admits(5001))
        #expect(window.estimateIndex(sequenceNumber: 10) == 10)
        var wrapped = SRTPReplayWindow()
        wrapped.accept(65_535)
        #expect(wrapped.estimateIndex(sequenceNumber: 2) == 65_536 + 2)
        #expect(wrapped.estimateIndex(sequenceNumber: 65_000) == 65_000)
    }

    @Test func sentIndicesOnlyMoveTheEstimateForward() {
        var sent = SRTPReplayWindow()
        sent.noteSent(65_530)
        // A NACK answer re-sends an older index: allowed, and the highest stays.
        sent.noteSent(65_000)
        #expect(sent.highest == 65_530)
        #expect(sent.estimateIndex(sequenceNumber: 3) == 65_536 + 3)
        sent.noteSent(65_536 + 3)
        #expect(sent.highest == 65_536 + 3)
        #expect(sent.admits(65_000), "outbound keeps no window")
    }

    @Test func replayWindowShiftsAcrossWordsAndClearsBeyondItsSize() {
        var window = SRTPReplayWindow()
        window.accept(1000)
        window.accept(1000 - 63)
        window.accept(1000 - 64)
        // Up by 65: the bits of 936 and 937 move across two word boundaries.
        window.accept(1065)
        #expect(!window.admits(1000) && !window.admits(937) && !window.admits(936))
        #expect(window.admits(938) && window.admits(1064))
        // Beyond the window's size everything below is too old or unseen.
        window.accept(1065 + 2000)
        #expect(!window.admits(1065) && window.admits(3065 - 1) && !window.admits(3065 - 1024))
    }
}

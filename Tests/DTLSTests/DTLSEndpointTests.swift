import DTLS
import Primitives
import SRTP
import Testing

@Suite struct DTLSEndpointTests {
    @Test func handshakeConnectsAndNegotiatesGCM() throws {
        let pair = try DTLSPair()
        pair.handshake()
        #expect(pair.errors.isEmpty)
        #expect(pair.client.state == .connected)
        #expect(pair.server.state == .connected)
        let clientKeys = try #require(pair.client.srtpKeys)
        let serverKeys = try #require(pair.server.srtpKeys)
        #expect(clientKeys.protectionProfileID == 7)
        #expect(serverKeys.protectionProfileID == 7)
        #expect(clientKeys.localMasterKeyAndSalt.count == 28)
        #expect(clientKeys.localMasterKeyAndSalt == serverKeys.remoteMasterKeyAndSalt)
        #expect(clientKeys.remoteMasterKeyAndSalt == serverKeys.localMasterKeyAndSalt)
        #expect(clientKeys.localMasterKeyAndSalt != clientKeys.remoteMasterKeyAndSalt)
        // Flights are cut to the MTU, so the certificate flight may span datagrams.
        #expect(pair.largestDatagram <= DTLSEndpoint.mtu)
        #expect(pair.client.nextTimeout(now: pair.now) == nil)
    }

    @Test func exportedKeysDriveSRTPBothWays() throws {
        let pair = try DTLSPair()
        pair.handshake()
        let clientKeys = try #require(pair.client.srtpKeys)
        let serverKeys = try #require(pair.server.srtpKeys)
        let profile = try #require(SRTPProfile(dtlsProtectionProfileID: clientKeys.protectionProfileID))
        for (sender, receiver) in [(clientKeys, serverKeys), (serverKeys, clientKeys)] {
            let outbound = try SRTPSession(profile: profile, masterKeyAndSalt: sender.localMasterKeyAndSalt, direction: .outbound)
            let inbound = try SRTPSession(profile: profile, masterKeyAndSalt: receiver.remoteMasterKeyAndSalt, direction: .inbound)
            let plain: [UInt8] = [0x80, 96, 0x12, 0x34, 0, 0, 0, 1, 0xCA, 0xFE, 0xBA, 0xBE] + Array(repeating: 0xAB, count: 100)
            var packet = plain + Array(repeating: 0, count: SRTPSession.maximumTrailerLength)
            try packet.withUnsafeMutableBytes { bytes in
                let protected = try outbound.protectRTP(bytes.baseAddress!, length: plain.count, capacity: bytes.count)
                #expect(protected == plain.count + 16)
                let length = try inbound.unprotectRTP(bytes.baseAddress!, length: protected)
                #expect(Array(bytes[0..<length]) == plain)
            }
        }
    }

    @Test(arguments: [DTLSRole.client, .server])
    func fingerprintMismatchFailsWithoutKeys(verifier: DTLSRole) throws {
        let stranger = try DTLSCertificate.generate().fingerprint
        let pair = verifier == .client ? try DTLSPair(clientSees: stranger) : try DTLSPair(serverSees: stranger)
        pair.handshake()
        #expect(pair.endpoint(verifier).state == .failed(.fingerprintMismatch))
        #expect(pair.endpoint(verifier).srtpKeys == nil)
        #expect(pair.errors.contains { $0.0 == verifier && $0.1 == .fingerprintMismatch })
        // The verifier sent close_notify, so the other side does not linger as connected.
        let other = pair.endpoint(verifier == .client ? .server : .client)
        #expect(other.state == .closed)
        #expect(other.srtpKeys == nil)
        #expect(throws: DTLSError.notConnected) {
            try pair.endpoint(verifier).send([UInt8](repeating: 1, count: 10))
        }
    }

    @Test func fingerprintArrivingAfterHandshakeReleasesKeys() throws {
        let pair = try DTLSPair(serverSees: .some(nil))
        pair.handshake()
        #expect(pair.errors.isEmpty)
        #expect(pair.client.state == .connected)
        #expect(pair.server.state == .handshaking)
        #expect(pair.server.srtpKeys == nil)

        pair.server.setRemoteFingerprint(pair.clientCertificate.fingerprint)
        #expect(pair.server.state == .connected)
        #expect(pair.server.srtpKeys?.remoteMasterKeyAndSalt == pair.client.srtpKeys?.localMasterKeyAndSalt)
    }

    @Test func wrongFingerprintArrivingAfterHandshakeFails() throws {
        let pair = try DTLSPair(serverSees: .some(nil))
        pair.handshake()
        pair.server.setRemoteFingerprint(try DTLSCertificate.generate().fingerprint)
        #expect(pair.server.state == .failed(.fingerprintMismatch))
        #expect(pair.server.srtpKeys == nil)
        // The close_notify goes out (record type 21), written with the record buffers the call
        // took after the handshake had given them back.
        #expect(pair.drain(.server).first?.first == 21)
    }

    @Test func applicationDataIsHeldUntilVerified() throws {
        let pair = try DTLSPair(serverSees: .some(nil))
        pair.handshake()
        try pair.client.send([UInt8]("early".utf8))
        pair.pump()
        #expect(pair.readAll(.server).isEmpty)
        pair.server.setRemoteFingerprint(pair.clientCertificate.fingerprint)
        #expect(pair.readAll(.server) == [Array("early".utf8)])
    }

    @Test func applicationDataRoundTripKeepsBoundaries() throws {
        let pair = try DTLSPair()
        pair.handshake()
        let messages: [[UInt8]] = [Array("hello".utf8), Array(repeating: 0x5A, count: 1100), [0]]
        for message in messages {
            try pair.client.send(message)
        }
        let datagrams = pair.drain(.client)
        #expect(datagrams.count == messages.count)
        pair.deliver(datagrams, to: .server)
        #expect(pair.readAll(.server) == messages)

        try pair.server.send([UInt8]("pong".utf8))
        pair.pump()
        #expect(pair.readAll(.client) == [Array("pong".utf8)])
        #expect(pair.errors.isEmpty)
    }

    /// After the handshake OpenSSL's record buffers are given back between calls and taken for
    /// each: a server whose last flight was lost resends it when the client's retransmission
    /// arrives, and records of every size still flow both ways. Real waits, as OpenSSL's timer
    /// runs on the wall clock (see `lostFlightIsRetransmittedAfterTimeout`).
    @Test func recordsFlowWithBuffersTakenPerCall() async throws {
        let pair = try DTLSPair(initialRetransmitTimeoutMilliseconds: 40)
        pair.server.startHandshake(now: pair.now)
        pair.client.startHandshake(now: pair.now)
        // Shuttle until the server is connected; its last flight is lost.
        for _ in 0..<20 where pair.server.state != .connected {
            let fromServer = pair.drain(.server)
            pair.deliver(pair.drain(.client), to: .server)
            pair.deliver(fromServer, to: .client)
        }
        #expect(pair.server.state == .connected && pair.client.state != .connected)
        _ = pair.drain(.server)
        let deadline = try #require(pair.client.nextTimeout(now: pair.now))
        try await Task.sleep(for: .milliseconds(40))
        pair.now = deadline
        pair.client.handleTimeout(now: pair.now)
        pair.deliver(pair.drain(.client), to: .server)
        let resent = pair.drain(.server)
        #expect(!resent.isEmpty, "the server resends its last flight")
        pair.deliver(resent, to: .client)
        #expect(pair.client.state == .connected)
        for round in 0..<30 {
            let message = [UInt8](repeating: UInt8(round), count: round == 29 ? 16_000 : 1_100)
            try pair.client.send(message)
            try pair.server.send(message)
            pair.pump()
            #expect(pair.readAll(.server) == [message])
            #expect(pair.readAll(.client) == [message])
        }
        #expect(pair.errors.isEmpty)
    }

    @Test func sendingBeforeConnectedThrows() throws {
        let pair = try DTLSPair()
        #expect(throws: DTLSError.notConnected) {
            try pair.client.send([UInt8](repeating: 1, count: 4))
        }
    }

    @Test func garbageProducesTypedErrors() throws {
        let pair = try DTLSPair()
        let garbage: [[UInt8]] = [
            [],
            [0x16],
            [0x16, 0xFE, 0xFD, 0, 0, 0, 0, 0, 0, 0, 0, 0, 50],  // length beyond the datagram
            [0x16, 0x03, 0x03, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],  // TLS, not DTLS, version
            [0x80, 0x60, 0, 1] + Array(repeating: 0, count: 40),  // RTP on the wrong path
            [0x17, 0xFE, 0xFD, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0xFF, 0x42],  // trailing junk
        ]
        for datagram in garbage {
            #expect(throws: DTLSError.malformedRecord) {
                try pair.server.handle(datagram, now: pair.now)
            }
        }
        // Nothing reached OpenSSL: a normal handshake still succeeds.
        pair.handshake()
        #expect(pair.server.state == .connected)
    }

    @Test func mutatedHandshakeDatagramsNeverTrap() throws {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<20 {
            let pair = try DTLSPair()
            pair.client.startHandshake(now: pair.now)
            var hello = try #require(pair.drain(.client).first)
            for _ in 0..<8 {
                let index = Int.random(in: 13..<hello.count, using: &generator)
                hello[index] = UInt8.random(in: 0...255, using: &generator)
            }
            pair.deliver([hello], to: .server)
            pair.pump()
            // Whatever happened, the outcome is a state, never a crash.
            if case .failed(let error) = pair.server.state { #expect(pair.errors.contains { $0.1 == error }) }
        }
    }

    @Test func lostFlightIsRetransmittedAfterTimeout() async throws {
        // OpenSSL's timer runs on the wall clock (see DTLSEndpoint+Timer.swift), so this test
        // uses a 40 ms first timeout and really waits; OpenSSL counts under 15 ms left as due.
        let pair = try DTLSPair(initialRetransmitTimeoutMilliseconds: 40)
        pair.server.startHandshake(now: pair.now)
        pair.client.startHandshake(now: pair.now)
        let lost = pair.drain(.client)
        #expect(lost.count == 1)
        #expect(lost.first?.first == 22)  // handshake record: ClientHello
        let deadline = try #require(pair.client.nextTimeout(now: pair.now))
        #expect(deadline.milliseconds(since: pair.now) <= 40)

        try await Task.sleep(for: .milliseconds(30))
        pair.now = deadline
        pair.client.handleTimeout(now: pair.now)
        let resent = pair.drain(.client)
        #expect(resent.count == 1)
        #expect(resent.first?.count == lost.first?.count)
        pair.deliver(resent, to: .server)
        pair.pump()
        #expect(pair.client.state == .connected)
        #expect(pair.server.state == .connected)
    }

    @Test func timerFollowsOpenSSLSchedule() throws {
        let pair = try DTLSPair()
        pair.client.startHandshake(now: pair.now)
        _ = pair.drain(.client)
        let deadline = try #require(pair.client.nextTimeout(now: pair.now))
        let wait = deadline.milliseconds(since: pair.now)
        #expect(wait > 900 && wait <= 1000)
        pair.client.handleTimeout(now: pair.now)  // not due yet on OpenSSL's clock
        #expect(pair.drain(.client).isEmpty)
        #expect(pair.server.nextTimeout(now: pair.now) == nil)  // the server has sent nothing yet
    }
}

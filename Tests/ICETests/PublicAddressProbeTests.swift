import Primitives
import Testing
@testable import ICE

/// The STUN Binding round that finds the bridge's public address (RFC 8489 §3, §6.2.1, §14.2).
struct PublicAddressProbeTests {
    static let serverA = PeerAddress(host: "198.18.0.2", port: 3478)!
    static let serverB = PeerAddress(host: "198.18.0.3", port: 443)!
    static let start = Instant(nanoseconds: 1_000_000_000)

    /// A success response to `request` whose XOR-MAPPED-ADDRESS is `mapped` (IPv4), built by
    /// hand from RFC 8489 §14.2 so libnice's own encoder is not the oracle.
    static func successResponse(to request: [UInt8], mapped: PeerAddress, type: UInt16 = 0x0101) -> [UInt8] {
        var response: [UInt8] = [UInt8(type >> 8), UInt8(type & 0xff), 0x00, 0x0c]
        response += request[4..<20]  // magic cookie + transaction ID
        let port = mapped.port ^ 0x2112
        let address = mapped.ipv4 ^ 0x2112_A442
        response += [0x00, 0x20, 0x00, 0x08, 0x00, 0x01, UInt8(port >> 8), UInt8(port & 0xff)]
        response += (0..<4).map { UInt8(truncatingIfNeeded: address >> (24 - 8 * $0)) }
        return response
    }

    static func drain(_ probe: PublicAddressProbe, at now: Instant) -> [(server: PeerAddress, datagram: [UInt8])] {
        var sent: [(server: PeerAddress, datagram: [UInt8])] = []
        while let next = probe.nextTransmission(now: now) { sent.append(next) }
        return sent
    }

    @Test func eachServerGetsABindingRequestWithoutCredentials() throws {
        let probe = PublicAddressProbe(servers: [Self.serverA, Self.serverB, Self.serverA], now: Self.start)
        let sent = Self.drain(probe, at: Self.start)
        #expect(sent.map(\.server) == [Self.serverA, Self.serverB])
        for (_, request) in sent {
            #expect(request.count == 20)  // no attributes: no USERNAME, no MESSAGE-INTEGRITY
            #expect(request[0..<2] == [0x00, 0x01])
            #expect(request[4..<8] == [0x21, 0x12, 0xa4, 0x42])
        }
        #expect(sent[0].datagram[8..<20] != sent[1].datagram[8..<20])
    }

    @Test func aSuccessResponseGivesTheMappedAddress() throws {
        let probe = PublicAddressProbe(servers: [Self.serverA], now: Self.start)
        let request = try #require(Self.drain(probe, at: Self.start).first).datagram
        let mapped = PeerAddress(host: "203.0.113.7", port: 41_000)!
        let response = Self.successResponse(to: request, mapped: mapped)
        try response.withUnsafeBytes { try probe.handle($0, from: Self.serverA) }
        #expect(probe.isFinished)
        #expect(probe.replies.map(\.reply) == [.mapped(mapped)])
        #expect(probe.nextDeadline() == nil)
        #expect(probe.nextTransmission(now: Self.start.adding(milliseconds: 600)) == nil)
    }

    @Test func retransmitsOnTheDoublingScheduleThenTimesOut() {
        let probe = PublicAddressProbe(servers: [Self.serverA], now: Self.start)
        var sendTimes: [Int64] = []
        var now = Self.start
        while let deadline = probe.nextDeadline() {
            now = deadline
            sendTimes += Self.drain(probe, at: now).map { _ in now.milliseconds(since: Self.start) }
        }
        #expect(sendTimes == PublicAddressProbe.transmitMilliseconds)
        #expect(now.milliseconds(since: Self.start) == PublicAddressProbe.giveUpMilliseconds)
        #expect(probe.replies.map(\.reply) == [.timedOut])
    }

    @Test func aResponseFromAnotherAddressOrTransactionIsRefused() throws {
        let probe = PublicAddressProbe(servers: [Self.serverA, Self.serverB], now: Self.start)
        let sent = Self.drain(probe, at: Self.start)
        let mapped = PeerAddress(host: "203.0.113.7", port: 41_000)!
        // Server A's transaction, but arriving from B: someone else claiming A's answer.
        let fromWrongServer = Self.successResponse(to: sent[0].datagram, mapped: mapped)
        #expect(throws: ICEError.unexpectedResponse) {
            try fromWrongServer.withUnsafeBytes { try probe.handle($0, from: Self.serverB) }
        }
        #expect(throws: ICEError.unexpectedResponse) {
            try fromWrongServer.withUnsafeBytes { try probe.handle($0, from: PeerAddress(host: "198.18.0.9", port: 3478)!) }
        }
        var forged = sent[0].datagram
        forged[19] ^= 0xff
        let unknownTransaction = Self.successResponse(to: forged, mapped: mapped)
        #expect(throws: ICEError.unexpectedResponse) {
            try unknownTransaction.withUnsafeBytes { try probe.handle($0, from: Self.serverA) }
        }
        #expect(probe.replies.allSatisfy { $0.reply == nil })
    }

    @Test func anErrorResponseIsARefusal() throws {
        let probe = PublicAddressProbe(servers: [Self.serverA], now: Self.start)
        let request = try #require(Self.drain(probe, at: Self.start).first).datagram
        // 400 Bad Request: ERROR-CODE class 4, number 0, no reason phrase.
        var response: [UInt8] = [0x01, 0x11, 0x00, 0x08]
        response += request[4..<20]
        response += [0x00, 0x09, 0x00, 0x04, 0x00, 0x00, 0x04, 0x00]
        try response.withUnsafeBytes { try probe.handle($0, from: Self.serverA) }
        #expect(probe.replies.map(\.reply) == [.refused])
    }

    @Test func garbageFromTheServerIsAnErrorAndTheQueryStaysOpen() throws {
        let probe = PublicAddressProbe(servers: [Self.serverA], now: Self.start)
        let request = try #require(Self.drain(probe, at: Self.start).first).datagram
        var generator = SplitMix64(seed: 7)
        for length in [0, 3, 19, 20, 21, 40, 200] {
            var junk = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            if length >= 20 { junk.replaceSubrange(4..<20, with: request[4..<20]) }
            #expect(throws: ICEError.self) { try junk.withUnsafeBytes { try probe.handle($0, from: Self.serverA) } }
        }
        // A success response whose attribute overruns the message.
        var overrun = Self.successResponse(to: request, mapped: PeerAddress(host: "203.0.113.7", port: 1)!)
        overrun[23] = 0x40
        #expect(throws: ICEError.self) { try overrun.withUnsafeBytes { try probe.handle($0, from: Self.serverA) } }
        #expect(probe.replies.map(\.reply) == [nil])
        let good = Self.successResponse(to: request, mapped: PeerAddress(host: "203.0.113.7", port: 1)!)
        try good.withUnsafeBytes { try probe.handle($0, from: Self.serverA) }
        #expect(probe.isFinished)
    }
}

import Primitives
import Testing

@testable import ICE

/// The STUN test vectors of RFC 5769 §2.1–2.3, through the same libnice path the agent uses.
@Suite struct RFC5769Tests {
    static let password = "VOkJxbRl1RmTxUk/WvJxBt"

    /// §2.1 Sample Request: SOFTWARE, PRIORITY, ICE-CONTROLLED, USERNAME "evtj:h6vY",
    /// MESSAGE-INTEGRITY, FINGERPRINT.
    static let request: [UInt8] = [
        0x00, 0x01, 0x00, 0x58, 0x21, 0x12, 0xa4, 0x42, 0xb7, 0xe7, 0xa7, 0x01, 0xbc, 0x34, 0xd6, 0x86,
        0xfa, 0x87, 0xdf, 0xae, 0x80, 0x22, 0x00, 0x10, 0x53, 0x54, 0x55, 0x4e, 0x20, 0x74, 0x65, 0x73,
        0x74, 0x20, 0x63, 0x6c, 0x69, 0x65, 0x6e, 0x74, 0x00, 0x24, 0x00, 0x04, 0x6e, 0x00, 0x01, 0xff,
        0x80, 0x29, 0x00, 0x08, 0x93, 0x2f, 0xf9, 0xb1, 0x51, 0x26, 0x3b, 0x36, 0x00, 0x06, 0x00, 0x09,
        0x65, 0x76, 0x74, 0x6a, 0x3a, 0x68, 0x36, 0x76, 0x59, 0x20, 0x20, 0x20, 0x00, 0x08, 0x00, 0x14,
        0x9a, 0xea, 0xa7, 0x0c, 0xbf, 0xd8, 0xcb, 0x56, 0x78, 0x1e, 0xf2, 0xb5, 0xb2, 0xd3, 0xf2, 0x49,
        0xc1, 0xb5, 0x71, 0xa2, 0x80, 0x28, 0x00, 0x04, 0xe5, 0x7a, 0x3b, 0xcf,
    ]

    /// §2.2 Sample IPv4 Response: XOR-MAPPED-ADDRESS 192.0.2.1:32853.
    static let ipv4Response: [UInt8] = [
        0x01, 0x01, 0x00, 0x3c, 0x21, 0x12, 0xa4, 0x42, 0xb7, 0xe7, 0xa7, 0x01, 0xbc, 0x34, 0xd6, 0x86,
        0xfa, 0x87, 0xdf, 0xae, 0x80, 0x22, 0x00, 0x0b, 0x74, 0x65, 0x73, 0x74, 0x20, 0x76, 0x65, 0x63,
        0x74, 0x6f, 0x72, 0x20, 0x00, 0x20, 0x00, 0x08, 0x00, 0x01, 0xa1, 0x47, 0xe1, 0x12, 0xa6, 0x43,
        0x00, 0x08, 0x00, 0x14, 0x2b, 0x91, 0xf5, 0x99, 0xfd, 0x9e, 0x90, 0xc3, 0x8c, 0x74, 0x89, 0xf9,
        0x2a, 0xf9, 0xba, 0x53, 0xf0, 0x6b, 0xe7, 0xd7, 0x80, 0x28, 0x00, 0x04, 0xc0, 0x7d, 0x4c, 0x96,
    ]

    /// §2.3 Sample IPv6 Response: XOR-MAPPED-ADDRESS [2001:db8:1234:5678:11:2233:4455:6677]:32853.
    static let ipv6Response: [UInt8] = [
        0x01, 0x01, 0x00, 0x48, 0x21, 0x12, 0xa4, 0x42, 0xb7, 0xe7, 0xa7, 0x01, 0xbc, 0x34, 0xd6, 0x86,
        0xfa, 0x87, 0xdf, 0xae, 0x80, 0x22, 0x00, 0x0b, 0x74, 0x65, 0x73, 0x74, 0x20, 0x76, 0x65, 0x63,
        0x74, 0x6f, 0x72, 0x20, 0x00, 0x20, 0x00, 0x14, 0x00, 0x02, 0xa1, 0x47, 0x01, 0x13, 0xa9, 0xfa,
        0xa5, 0xd3, 0xf1, 0x79, 0xbc, 0x25, 0xf4, 0xb5, 0xbe, 0xd2, 0xb9, 0xd9, 0x00, 0x08, 0x00, 0x14,
        0xa3, 0x82, 0x95, 0x4e, 0x4b, 0xe6, 0x7b, 0xf1, 0x17, 0x84, 0xc9, 0x7c, 0x82, 0x92, 0xc2, 0x75,
        0xbf, 0xe3, 0xed, 0x41, 0x80, 0x28, 0x00, 0x04, 0xc8, 0xfb, 0x0b, 0x4c,
    ]

    static let source = PeerAddress(host: "198.51.100.7", port: 40000)!

    static func agent(password: String = password) -> ICEAgent {
        ICEAgent(local: ICECredentials(ufrag: "evtj", password: password), tieBreaker: 1)
    }

    /// Validates a response vector as the answer to a transaction we registered by hand, and
    /// returns its mapped address.
    static func mappedAddress(of response: [UInt8]) throws -> PeerAddress? {
        let context = STUNContext(localPassword: "unused")
        let key = StableBytes.copy(password)
        defer { key.deallocate() }
        return try response.withUnsafeBytes { bytes in
            context.expect(TransactionID(header: bytes), key: UnsafeRawBufferPointer(key))
            _ = try context.validate(bytes, username: nil)
            guard case .success(let mapped) = try context.readResponse() else { return nil }
            return mapped
        }
    }

    @Test func sampleRequestValidatesAndIsAnswered() throws {
        let agent = Self.agent()
        let transmit = TransmitQueue(capacity: 8)
        try Self.request.withUnsafeBytes { try agent.handleSTUN($0, from: Self.source, now: .zero, transmit: transmit) }
        #expect(agent.isVerified(Self.source))
        // Our success response: same transaction, XOR-MAPPED-ADDRESS = the source, signed with
        // our (the vector's) password.
        #expect(transmit.count == 1)
        #expect(transmit.destination(0) == Self.source)
        let reply = Array(transmit.datagram(0))
        #expect(reply[0] == 0x01 && reply[1] == 0x01)
        #expect(Array(reply[4..<20]) == Array(Self.request[4..<20]))
        #expect(try Self.mappedAddress(of: reply) == Self.source)
    }

    @Test func flippedBitsNeverValidate() throws {
        let agent = Self.agent()
        let transmit = TransmitQueue(capacity: 8)
        for offset in 20..<Self.request.count {
            for bit in 0..<8 {
                var copy = Self.request
                copy[offset] ^= UInt8(1) << bit
                let error = stunError(agent, copy, from: Self.source, transmit: transmit)
                #expect(error != nil, "offset \(offset) bit \(bit) validated")
            }
        }
        #expect(transmit.count == 0)
        #expect(!agent.isVerified(Self.source))
    }

    @Test(arguments: [24, 44, 64, 80, 100, 104])
    func flippedValueBitIsUnauthorizedOrBadFingerprint(offset: Int) {
        var copy = Self.request
        copy[offset] ^= 0x01
        let error = stunError(Self.agent(), copy, from: Self.source, transmit: TransmitQueue(capacity: 4))
        #expect(error == .unauthorized || error == .badFingerprint)
    }

    @Test func wrongPasswordIsUnauthorized() {
        #expect(throws: ICEError.unauthorized) {
            try Self.request.withUnsafeBytes {
                try Self.agent(password: "VOkJxbRl1RmTxUk/WvJxBu")
                    .handleSTUN($0, from: Self.source, now: .zero, transmit: TransmitQueue(capacity: 4))
            }
        }
    }

    @Test func ipv4ResponseYieldsMappedAddress() throws {
        #expect(try Self.mappedAddress(of: Self.ipv4Response) == PeerAddress(host: "192.0.2.1", port: 32853))
    }

    @Test func ipv6ResponseYieldsMappedAddress() throws {
        let expected = PeerAddress(host: "2001:db8:1234:5678:11:2233:4455:6677", port: 32853)
        #expect(try Self.mappedAddress(of: Self.ipv6Response) == expected)
    }

    @Test func responseWithWrongKeyIsUnauthorized() {
        let context = STUNContext(localPassword: "unused")
        let key = StableBytes.copy("not the password")
        defer { key.deallocate() }
        Self.ipv4Response.withUnsafeBytes { bytes in
            context.expect(TransactionID(header: bytes), key: UnsafeRawBufferPointer(key))
            #expect(throws: ICEError.unauthorized) { _ = try context.validate(bytes, username: nil) }
        }
    }

    @Test func unsolicitedResponseIsUnexpected() {
        #expect(throws: ICEError.unexpectedResponse) {
            try Self.ipv4Response.withUnsafeBytes {
                try Self.agent().handleSTUN($0, from: Self.source, now: .zero, transmit: TransmitQueue(capacity: 4))
            }
        }
    }
}

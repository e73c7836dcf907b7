import Testing
@testable import SCTP

/// DCEP messages (RFC 8832 §5) as lib-jitsi-meet's bridge channel sends them, and broken ones.
@Suite struct RFC8832Tests {
    /// DATA_CHANNEL_OPEN for `createDataChannel('JVB data channel', {protocol: colibri})`:
    /// reliable, ordered, priority 0 (§5.1 layout, built by hand).
    static let jvbOpen: [UInt8] = [
        0x03, 0x00, 0x00, 0x00,  // OPEN, reliable, priority 0
        0x00, 0x00, 0x00, 0x00,  // reliability parameter
        0x00, 0x10, 0x00, 0x22,  // label length 16, protocol length 34
    ] + Array("JVB data channel".utf8) + Array("http://jitsi.org/protocols/colibri".utf8)

    @Test func parsesBridgeChannelOpen() throws {
        let message = try DCEPMessage.parse(Self.jvbOpen)
        let expected = DCEPOpen(
            channelType: .reliable, priority: 0, reliabilityParameter: 0,
            label: "JVB data channel", protocol: "http://jitsi.org/protocols/colibri")
        #expect(message == .open(expected))
    }

    @Test func encodesWhatItParses() throws {
        let open = DCEPOpen(
            channelType: .partialReliableRexmitUnordered, priority: 256, reliabilityParameter: 0x0102_0304,
            label: "chät", protocol: "")
        let bytes = open.encoded()
        #expect(Array(bytes.prefix(12)) == [0x03, 0x81, 0x01, 0x00, 0x01, 0x02, 0x03, 0x04, 0x00, 0x05, 0x00, 0x00])
        #expect(try DCEPMessage.parse(bytes) == .open(open))
        #expect(try DCEPMessage.parse(DCEPOpen.parse(Self.jvbOpen).encoded()) == DCEPMessage.parse(Self.jvbOpen))
    }

    @Test func parsesAck() throws {
        #expect(try DCEPMessage.parse([0x02]) == .ack)
        #expect(DCEPMessage.ackBytes == [0x02])
    }

    @Test(arguments: [
        ([], DCEPParseError.empty),
        ([0x01], .unknownMessageType),
        ([0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00], .openTooShort),
        ([0x03, 0x05, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00], .unknownChannelType),
        ([0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x01, 0x41, 0x42], .lengthsOverrun),
        ([0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0x41], .lengthsOverrun),
        ([0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0xC3], .labelNotUTF8),
        ([0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0xFF], .protocolNotUTF8),
    ] as [([UInt8], DCEPParseError)])
    func rejectsMalformed(bytes: [UInt8], error: DCEPParseError) {
        #expect(throws: error) { try DCEPMessage.parse(bytes) }
    }

    @Test func channelTypesMapToUsrsctpPolicies() {
        #expect(DCEPChannelType.reliable.prPolicy == 0)
        #expect(DCEPChannelType.partialReliableRexmit.prPolicy == 3)
        #expect(DCEPChannelType.partialReliableTimedUnordered.prPolicy == 1)
        #expect(DCEPChannelType.partialReliableTimedUnordered.isUnordered)
        #expect(!DCEPChannelType.partialReliableTimed.isUnordered)
    }
}

@testable import Bridge
import RTP
import Testing

/// The probe packet a receiver's transport-cc counts and its RTX receiver discards.
struct PaddingPacketWriterTests {
    @Test func paddingOnlyPacketWithTheReceiversTransportSequenceNumber() throws {
        var slot = [UInt8](repeating: 0xFF, count: 1500)
        let length = slot.withUnsafeMutableBytes { bytes in
            PaddingPacketWriter.write(
                padding: 200, payloadType: 96, ssrc: 0xABCD_0001, sequenceNumber: 4242, timestamp: 90_000,
                transportSequence: (id: 5, number: 777), into: bytes)
        }
        // In the clear: the transmit queue protects it on the receiver's lane.
        #expect(length == 220)
        let packet = Array(slot[0..<length])
        try packet.withUnsafeBytes { bytes in
            let header = try RTPHeaderView(parsing: bytes)
            #expect(header.padding && header.paddingLength == 200 && header.payloadLength == 0)
            #expect(header.payloadType == 96 && header.ssrc == 0xABCD_0001 && header.sequenceNumber == 4242 && header.timestamp == 90_000)
            #expect(header.transportSequenceNumber(extensionID: 5, in: bytes) == 777)
        }
        // A receiver id that a one-byte block cannot carry writes nothing.
        let refused = slot.withUnsafeMutableBytes { bytes in
            PaddingPacketWriter.write(
                padding: 200, payloadType: 96, ssrc: 1, sequenceNumber: 1, timestamp: 1,
                transportSequence: (id: 15, number: 1), into: bytes)
        }
        #expect(refused == 0)
    }
}

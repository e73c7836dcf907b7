@testable import Bridge
import RTP
import SRTP
import Testing

/// The probe packet a receiver's transport-cc counts and its RTX receiver discards.
struct PaddingPacketWriterTests {
    @Test func paddingOnlyPacketWithTheReceiversTransportSequenceNumber() throws {
        let key = [UInt8](repeating: 7, count: 30)
        let sender = try SRTPSession(profile: .aes128CMHMACSHA1_80, masterKeyAndSalt: key, direction: .outbound)
        let receiver = try SRTPSession(profile: .aes128CMHMACSHA1_80, masterKeyAndSalt: key, direction: .inbound)
        var slot = [UInt8](repeating: 0xFF, count: 1500)
        let length = slot.withUnsafeMutableBytes { bytes in
            PaddingPacketWriter.write(
                padding: 200, payloadType: 96, ssrc: 0xABCD_0001, sequenceNumber: 4242, timestamp: 90_000,
                transportSequence: (id: 5, number: 777), into: bytes, protectedBy: sender)
        }
        #expect(length > 220)
        let plainLength = try slot.withUnsafeMutableBytes { try receiver.unprotectRTP($0.baseAddress!, length: length) }
        let packet = Array(slot[0..<plainLength])
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
                transportSequence: (id: 15, number: 1), into: bytes, protectedBy: sender)
        }
        #expect(refused == 0)
    }
}

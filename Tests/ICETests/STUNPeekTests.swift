import Primitives
import Testing

@testable import ICE

@Suite struct STUNPeekTests {
    static func peek<R>(_ bytes: [UInt8], _ body: (UnsafeRawBufferPointer) -> R) -> R {
        bytes.withUnsafeBytes(body)
    }

    /// A Binding Request with only a USERNAME attribute.
    static func request(username: String) -> [UInt8] {
        let value = Array(username.utf8)
        let padded = (value.count + 3) & ~3
        var bytes: [UInt8] = [0x00, 0x01, UInt8((4 + padded) >> 8), UInt8((4 + padded) & 0xFF), 0x21, 0x12, 0xa4, 0x42]
        bytes += [UInt8](repeating: 7, count: 12)
        bytes += [0x00, 0x06, UInt8(value.count >> 8), UInt8(value.count & 0xFF)] + value
        bytes += [UInt8](repeating: 0, count: padded - value.count)
        return bytes
    }

    @Test func sampleRequestIsBindingRequestWithLocalUfrag() {
        #expect(Self.peek(RFC5769Tests.request, STUNPeek.isBindingRequest))
        #expect(Self.peek(RFC5769Tests.request, STUNPeek.localUfrag) == "evtj")
        #expect(Self.peek(RFC5769Tests.request, STUNPeek.localUfragRange) == 64..<68)
    }

    @Test func responsesAreNotRequests() {
        #expect(!Self.peek(RFC5769Tests.ipv4Response, STUNPeek.isBindingRequest))
        #expect(Self.peek(RFC5769Tests.ipv4Response, STUNPeek.localUfrag) == nil)
    }

    @Test func handBuiltUsernames() {
        #expect(Self.peek(Self.request(username: "abcdefgh:XyZ1"), STUNPeek.localUfrag) == "abcdefgh")
        #expect(Self.peek(Self.request(username: "nocolon"), STUNPeek.localUfrag) == nil)
        #expect(Self.peek(Self.request(username: ":remote"), STUNPeek.localUfrag) == nil)
        #expect(Self.peek(Self.request(username: "a:"), STUNPeek.localUfrag) == "a")
    }

    @Test func truncatedAndForeignDatagramsAreRejected() {
        for length in 0..<RFC5769Tests.request.count {
            let prefix = Array(RFC5769Tests.request[0..<length])
            #expect(!Self.peek(prefix, STUNPeek.isBindingRequest))
            #expect(Self.peek(prefix, STUNPeek.localUfrag) == nil)
        }
        let dtls: [UInt8] = [22, 0xfe, 0xfd] + [UInt8](repeating: 0, count: 30)
        #expect(!Self.peek(dtls, STUNPeek.isBindingRequest))
        var noCookie = RFC5769Tests.request
        noCookie[4] = 0
        #expect(!Self.peek(noCookie, STUNPeek.isBindingRequest))
        var overrun = Self.request(username: "abcd:efgh")
        overrun[23] = 200  // USERNAME length past the end
        #expect(Self.peek(overrun, STUNPeek.localUfrag) == nil)
    }

    @Test func randomBytesNeverCrash() {
        var generator = SplitMix64(seed: 42)
        for _ in 0..<5000 {
            var bytes = [UInt8](repeating: 0, count: Int(generator.next(upperBound: UInt64(120))))
            for i in bytes.indices { bytes[i] = UInt8(truncatingIfNeeded: generator.next()) }
            if bytes.count >= 8, generator.next(upperBound: UInt64(2)) == 0 {
                bytes[0] = 0; bytes[1] = 1; bytes[2] = 0; bytes[3] = UInt8((bytes.count - 20) & 0xFC)
                bytes[4] = 0x21; bytes[5] = 0x12; bytes[6] = 0xa4; bytes[7] = 0x42
            }
            _ = Self.peek(bytes, STUNPeek.localUfrag)
        }
    }
}

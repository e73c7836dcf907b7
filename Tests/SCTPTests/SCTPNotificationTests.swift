import Testing
@testable import SCTP

@Suite struct SCTPNotificationTests {
    /// Builds a notification the way usrsctp lays it out: host-order fields.
    static func bytes(type: UInt16, flags: UInt16, body: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        withUnsafeBytes(of: type) { out += $0 }
        withUnsafeBytes(of: flags) { out += $0 }
        withUnsafeBytes(of: UInt32(8 + body.count)) { out += $0 }
        return out + body
    }

    static func hostBytes<T>(_ value: T) -> [UInt8] { withUnsafeBytes(of: value) { Array($0) } }

    @Test func decodesAssociationChange() {
        let body = Self.hostBytes(UInt16(2)) + [0, 0, 0, 4, 0, 4] + Self.hostBytes(UInt32(0))
        let raw = Self.bytes(type: 1, flags: 0, body: body)
        #expect(raw.withUnsafeBytes(SCTPNotification.decode) == .associationChange(state: SCTPNotification.commLost))
    }

    @Test func decodesStreamReset() {
        let body = Self.hostBytes(UInt32(7)) + Self.hostBytes(UInt16(0)) + Self.hostBytes(UInt16(2))
        let raw = Self.bytes(type: 9, flags: 1, body: body)
        #expect(raw.withUnsafeBytes(SCTPNotification.decode) == .streamReset(flags: 1, streams: [0, 2]))
    }

    @Test func rejectsTruncated() {
        #expect([UInt8](repeating: 0, count: 7).withUnsafeBytes(SCTPNotification.decode) == nil)
        let raw = Self.bytes(type: 1, flags: 0, body: [])
        #expect(raw.withUnsafeBytes(SCTPNotification.decode) == nil)
    }

    @Test func lengthFieldCannotReachPastBuffer() {
        var raw = Self.bytes(type: 9, flags: 1, body: Self.hostBytes(UInt32(1)) + [5, 0])
        raw[4] = 0xFF  // claims 255 bytes
        #expect(raw.withUnsafeBytes(SCTPNotification.decode) == .streamReset(flags: 1, streams: [5]))
    }
}

import Testing
@testable import Primitives

@Suite struct PeerAddressTests {
    @Test func parsesAndPrintsIPv4() throws {
        let a = try #require(PeerAddress(host: "127.0.0.1", port: 10000))
        #expect(a.family == .ipv4)
        #expect(a.ipv4 == 0x7F00_0001)
        #expect(a.description == "127.0.0.1:10000")
        #expect(a.isLoopback)
        #expect(!a.isPrivate)
    }

    @Test func parsesAndPrintsIPv6() throws {
        let a = try #require(PeerAddress(host: "::1", port: 5))
        #expect(a.family == .ipv6)
        #expect(a.isLoopback)
        #expect(a.description == "[::1]:5")
        #expect(PeerAddress(host: "fd00::2", port: 1)?.isPrivate == true)
    }

    @Test func rejectsNames() {
        #expect(PeerAddress(host: "example.org", port: 1) == nil)
    }

    @Test func privateRanges() {
        #expect(PeerAddress(host: "10.1.2.3", port: 1)!.isPrivate)
        #expect(PeerAddress(host: "192.168.0.1", port: 1)!.isPrivate)
        #expect(PeerAddress(host: "172.20.0.1", port: 1)!.isPrivate)
        #expect(!PeerAddress(host: "203.0.113.7", port: 1)!.isPrivate)
    }

    @Test(arguments: ["192.0.2.1", "198.51.100.255", "203.0.113.10", "2001:db8::1", "2001:db8:ffff::"])
    func documentationRanges(_ host: String) {
        #expect(PeerAddress(host: host, port: 1)!.isDocumentation)
    }

    @Test(arguments: ["192.0.3.1", "198.51.101.1", "203.0.114.1", "198.18.0.1", "2001:db9::1", "10.0.0.1"])
    func notDocumentation(_ host: String) {
        #expect(!PeerAddress(host: host, port: 1)!.isDocumentation)
    }
}

@testable import BridgeServer
import Primitives
import Testing

@Suite struct HostAddressDiscoveryTests {
    let interfaces = ["127.0.0.1", "10.0.0.2", "169.254.1.1", "192.0.2.2", "::1", "fe80::1", "fd00::2", "10.0.0.2"]
        .compactMap { PeerAddress(host: $0, port: 0) }

    @Test func ipv4WildcardUsesUsableIPv4Interfaces() throws {
        let bound = try #require(PeerAddress(host: "0.0.0.0", port: 10000))
        #expect(HostAddressDiscovery.hostAddresses(bound: bound, interfaces: interfaces).map(\.description) == [
            "10.0.0.2:10000", "192.0.2.2:10000",
        ])
    }

    @Test func ipv6WildcardIsDualStack() throws {
        let bound = try #require(PeerAddress(host: "::", port: 10000))
        #expect(HostAddressDiscovery.hostAddresses(bound: bound, interfaces: interfaces).map(\.description) == [
            "10.0.0.2:10000", "192.0.2.2:10000", "[fd00::2]:10000",
        ])
    }

    @Test(arguments: ["127.0.0.1", "192.0.2.2", "::1"])
    func specificBindIsTheOnlyCandidate(_ host: String) throws {
        let bound = try #require(PeerAddress(host: host, port: 10000))
        #expect(HostAddressDiscovery.hostAddresses(bound: bound, interfaces: interfaces) == [bound])
    }

    @Test func readsThisMachinesInterfaces() {
        #expect(HostAddressDiscovery.interfaceAddresses().contains { $0.isLoopback })
    }
}

@testable import BridgeServer
import Primitives
import Testing

@Suite struct AdvertisedAddressListTests {
    @Test func parsesPlainAndPortedEntries() throws {
        let list = try AdvertisedAddressList.parse(" 203.0.113.5 , 198.51.100.7#4443,,2001:db8::1#10001, 2001:db8::2", defaultPort: 10000)
        #expect(list == [
            PeerAddress(host: "203.0.113.5", port: 10000), PeerAddress(host: "198.51.100.7", port: 4443),
            PeerAddress(host: "2001:db8::1", port: 10001), PeerAddress(host: "2001:db8::2", port: 10000),
        ])
    }

    @Test func emptyListIsEmpty() throws {
        #expect(try AdvertisedAddressList.parse("", defaultPort: 10000).isEmpty)
        #expect(try AdvertisedAddressList.parse(" , ", defaultPort: 10000).isEmpty)
    }

    @Test(arguments: ["meet.example.com", "192.0.2.1#", "192.0.2.1#x", "192.0.2.1#65536", "192.0.2.1#0", "#10000"])
    func rejectsBadEntries(_ text: String) {
        #expect(throws: ConfigurationError.self) { try AdvertisedAddressList.parse(text, defaultPort: 10000) }
    }
}

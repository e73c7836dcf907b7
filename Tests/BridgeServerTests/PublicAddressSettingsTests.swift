@testable import BridgeServer
import ICE
import Primitives
import Testing

/// STUN discovery settings as the upstream jvb container names them, and what the bridge makes
/// of STUN answers and of its advertised addresses.
@Suite struct PublicAddressSettingsTests {
    static let environment = ["JVB_AUTH_PASSWORD": "s3cret"]

    @Test func noSTUNServerUnlessGiven() throws {
        let settings = try ServerSettings(options: ServerOptions(), environment: Self.environment)
        #expect(settings.stunServers.isEmpty)
        #expect(settings.description.contains("stun.servers=  # default"))
    }

    @Test func upstreamVariableListsServers() throws {
        var environment = Self.environment
        environment["JVB_STUN_SERVERS"] = "meet-jit-si-turnrelay.jitsi.net:443, 198.18.0.2, [2001:db8::3]:3479"
        let settings = try ServerSettings(options: ServerOptions(), environment: environment)
        #expect(settings.stunServers == [
            ServerAddress(host: "meet-jit-si-turnrelay.jitsi.net", port: 443), ServerAddress(host: "198.18.0.2", port: 3478),
            ServerAddress(host: "2001:db8::3", port: 3479),
        ])
        #expect(settings.ignoredEnvironment.isEmpty)
        #expect(settings.description.contains("stun.servers=meet-jit-si-turnrelay.jitsi.net:443,198.18.0.2:3478,[2001:db8::3]:3479  # env JVB_STUN_SERVERS"))
    }

    @Test func disableSTUNWinsAndSkipsTheList() throws {
        var environment = Self.environment
        environment["JVB_STUN_SERVERS"] = "stun.example.org:notaport"
        environment["JVB_DISABLE_STUN"] = "true"
        let settings = try ServerSettings(options: ServerOptions(), environment: environment)
        #expect(settings.stunServers.isEmpty)
        #expect(settings.description.contains("stun.servers=  # disabled by env JVB_DISABLE_STUN"))
        var options = ServerOptions()
        options.disableSTUN = true
        options.stunServers = "198.18.0.2:3478"
        #expect(try ServerSettings(options: options, environment: Self.environment).stunServers.isEmpty)
    }

    @Test func aBadPortIsRefusedByName() {
        var options = ServerOptions()
        options.stunServers = "stun.example.org:99999"
        #expect(throws: ConfigurationError("bad port in STUN server 'stun.example.org:99999'")) {
            try ServerSettings(options: options, environment: Self.environment)
        }
    }

    @Test func literalsResolveWithoutDNSAndOnlyInTheirFamily() {
        #expect(ServerAddress(host: "198.18.0.2", port: 3478).resolveUDP(family: .ipv4) == [PeerAddress(host: "198.18.0.2", port: 3478)!])
        #expect(ServerAddress(host: "198.18.0.2", port: 3478).resolveUDP(family: .ipv6).isEmpty)
        #expect(ServerAddress(host: "localhost", port: 3478).resolveUDP(family: .ipv4) == [PeerAddress(host: "127.0.0.1", port: 3478)!])
    }

    @Test func outcomeKeepsTheMediaPortAndNotesAMovingNAT() {
        let server1 = PeerAddress(host: "198.18.0.2", port: 3478)!
        let server2 = PeerAddress(host: "198.18.0.3", port: 3478)!
        let server3 = PeerAddress(host: "198.18.0.4", port: 3478)!
        let same = PublicAddressOutcome(replies: [
            (server1, .mapped(PeerAddress(host: "198.51.100.7", port: 10000)!)), (server2, .timedOut), (server3, .refused),
        ], mediaPort: 10000)
        #expect(same.publicAddresses == [PeerAddress(host: "198.51.100.7", port: 10000)!])
        #expect(same.summary == "198.18.0.2:3478 saw 198.51.100.7:10000, 198.18.0.3:3478 timed out, 198.18.0.4:3478 refused")
        #expect(same.notes.isEmpty)
        let moving = PublicAddressOutcome(replies: [
            (server1, .mapped(PeerAddress(host: "198.51.100.7", port: 40001)!)),
            (server2, .mapped(PeerAddress(host: "198.51.100.7", port: 40002)!)),
        ], mediaPort: 10000)
        #expect(moving.publicAddresses == [PeerAddress(host: "198.51.100.7", port: 10000)!])
        #expect(moving.notes.count == 1 && moving.notes[0].contains("different ports (40001, 40002)"))
        #expect(PublicAddressOutcome(replies: [(server1, .timedOut)], mediaPort: 10000).publicAddresses.isEmpty)
    }

    @Test func startWarningsNameWhatIsWrong() {
        let host = [PeerAddress(host: "10.0.0.5", port: 10000)!]
        let example = AdvertisedAddressCheck.atStart(
            advertised: [PeerAddress(host: "203.0.113.10", port: 10000)!], hostAddresses: host, stunConfigured: true)
        #expect(example.count == 1 && example[0].hasPrefix("JVB_ADVERTISE_IPS contains 203.0.113.10, a documentation address"))
        let unconfirmed = AdvertisedAddressCheck.atStart(
            advertised: [PeerAddress(host: "198.51.99.1", port: 10000)!], hostAddresses: host, stunConfigured: false)
        #expect(unconfirmed.count == 1 && unconfirmed[0].hasPrefix("advertised 198.51.99.1 is not an address of this host"))
        #expect(AdvertisedAddressCheck.atStart(
            advertised: [PeerAddress(host: "198.51.99.1", port: 10000)!], hostAddresses: host, stunConfigured: true).isEmpty)
        #expect(AdvertisedAddressCheck.atStart(advertised: host, hostAddresses: host, stunConfigured: false).isEmpty)
        let privateOnly = AdvertisedAddressCheck.atStart(advertised: [], hostAddresses: host, stunConfigured: false)
        #expect(privateOnly.count == 1 && privateOnly[0].hasPrefix("only private addresses (10.0.0.5) are advertised"))
    }

    @Test func aSTUNAnswerContradictingAStaticMappingIsAWarning() {
        let host = [PeerAddress(host: "10.0.0.5", port: 10000)!]
        let advertised = [PeerAddress(host: "198.51.99.1", port: 10000)!]
        let contradicted = AdvertisedAddressCheck.afterDiscovery(
            advertised: advertised, hostAddresses: host, discovered: [PeerAddress(host: "198.51.99.2", port: 10000)!])
        #expect(contradicted == ["advertised 198.51.99.1 is not the address STUN servers see this host at (198.51.99.2): "
            + "clients may not reach the media port; check JVB_ADVERTISE_IPS"])
        #expect(AdvertisedAddressCheck.afterDiscovery(
            advertised: advertised, hostAddresses: host, discovered: [PeerAddress(host: "198.51.99.1", port: 10000)!]).isEmpty)
    }
}

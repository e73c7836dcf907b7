import Bridge
@testable import BridgeServer
import Logging
import Primitives
import Testing

@Suite struct ServerSettingsTests {
    @Test func defaultsMatchJVB() throws {
        let settings = try ServerSettings(options: ServerOptions(), environment: [:])
        #expect(settings.mediaPort == 10000)
        #expect(settings.mediaHost == "0.0.0.0")
        #expect(settings.advertisedAddresses.isEmpty)
        #expect(settings.advertisePrivateCandidates)
        #expect(settings.httpHost == "127.0.0.1")
        #expect(settings.httpPort == 8080)
        #expect(settings.colibriRESTEnabled)
        #expect(settings.sctpEnabled)
        #expect(settings.logLevel == .info)
    }

    @Test func environmentOverridesDefaults() throws {
        let settings = try ServerSettings(options: ServerOptions(), environment: [
            "JVB_PORT": "10001", "JVB_BIND_ADDRESS": "127.0.0.1", "JVB_ADVERTISE_IPS": "203.0.113.5,198.51.100.7#4443",
            "JVB_ADVERTISE_PRIVATE_CANDIDATES": "false", "COLIBRI_REST_ENABLED": "0", "ENABLE_SCTP": "FALSE",
        ])
        #expect(settings.mediaPort == 10001)
        #expect(settings.mediaHost == "127.0.0.1")
        #expect(settings.advertisedAddresses == [
            PeerAddress(host: "203.0.113.5", port: 10001), PeerAddress(host: "198.51.100.7", port: 4443),
        ])
        #expect(!settings.advertisePrivateCandidates)
        #expect(!settings.colibriRESTEnabled)
        #expect(!settings.sctpEnabled)
    }

    @Test func flagsOverrideEnvironment() throws {
        var options = ServerOptions()
        options.port = 20000
        options.mediaHost = "::"
        options.advertiseIPs = "192.0.2.1"
        options.advertisePrivateCandidates = true
        options.colibriREST = true
        options.sctp = true
        options.httpHost = "0.0.0.0"
        options.httpPort = 18080
        options.logLevel = "DEBUG"
        let settings = try ServerSettings(options: options, environment: [
            "JVB_PORT": "10001", "JVB_BIND_ADDRESS": "127.0.0.1", "JVB_ADVERTISE_IPS": "203.0.113.5",
            "JVB_ADVERTISE_PRIVATE_CANDIDATES": "false", "COLIBRI_REST_ENABLED": "false", "ENABLE_SCTP": "0",
        ])
        #expect(settings.mediaPort == 20000)
        #expect(settings.mediaHost == "::")
        #expect(settings.advertisedAddresses == [PeerAddress(host: "192.0.2.1", port: 20000)])
        #expect(settings.advertisePrivateCandidates && settings.colibriRESTEnabled && settings.sctpEnabled)
        #expect(settings.httpHost == "0.0.0.0" && settings.httpPort == 18080)
        #expect(settings.logLevel == .debug)
    }

    @Test func dockerHostAddressIsTheAdvertiseFallback() throws {
        let fallback = try ServerSettings(options: ServerOptions(), environment: ["DOCKER_HOST_ADDRESS": "192.0.2.9"])
        #expect(fallback.advertisedAddresses == [PeerAddress(host: "192.0.2.9", port: 10000)])
        let blank = try ServerSettings(
            options: ServerOptions(), environment: ["JVB_ADVERTISE_IPS": "", "DOCKER_HOST_ADDRESS": "192.0.2.9"]
        )
        #expect(blank.advertisedAddresses == fallback.advertisedAddresses)
        let preferred = try ServerSettings(
            options: ServerOptions(), environment: ["JVB_ADVERTISE_IPS": "192.0.2.1", "DOCKER_HOST_ADDRESS": "192.0.2.9"]
        )
        #expect(preferred.advertisedAddresses == [PeerAddress(host: "192.0.2.1", port: 10000)])
    }

    @Test(arguments: [
        ["JVB_PORT": "abc"], ["JVB_PORT": "70000"], ["JVB_BIND_ADDRESS": "example.com"],
        ["ENABLE_SCTP": "maybe"], ["JVB_ADVERTISE_IPS": "192.0.2.1#0"],
    ])
    func badEnvironmentIsRejected(_ environment: [String: String]) {
        #expect(throws: ConfigurationError.self) { try ServerSettings(options: ServerOptions(), environment: environment) }
    }

    @Test func aFlagMasksABadVariable() throws {
        var options = ServerOptions()
        options.port = 10002
        #expect(try ServerSettings(options: options, environment: ["JVB_PORT": "abc"]).mediaPort == 10002)
    }

    @Test func unknownLogLevelIsRejected() {
        var options = ServerOptions()
        options.logLevel = "loud"
        #expect(throws: ConfigurationError.self) { try ServerSettings(options: options, environment: [:]) }
    }

    @Test func printedConfigurationListsEverySetting() throws {
        let settings = try ServerSettings(options: ServerOptions(), environment: ["JVB_ADVERTISE_IPS": "192.0.2.1"])
        let text = settings.description
        #expect(text.contains("media.port=10000"))
        #expect(text.contains("media.advertise_ips=192.0.2.1#10000"))
        #expect(text.contains("colibri.rest_enabled=true"))
        #expect(text.contains("metrics.prefix=jitsi_jvb_"))
    }

    @Test func engineConfigurationFillsTheBoundPort() throws {
        var settings = ServerSettings()
        settings.advertisedAddresses = [try #require(PeerAddress(host: "192.0.2.1", port: 0))]
        let bound = try #require(PeerAddress(host: "0.0.0.0", port: 40000))
        let interfaces = [try #require(PeerAddress(host: "10.0.0.2", port: 0))]
        let configuration = settings.bridgeConfiguration(bound: bound, interfaces: interfaces)
        #expect(configuration.hostAddresses == [PeerAddress(host: "10.0.0.2", port: 40000)])
        #expect(configuration.advertisedAddresses == [PeerAddress(host: "192.0.2.1", port: 40000)])
        #expect(configuration.sctpEnabled && configuration.advertisePrivateCandidates)
    }
}

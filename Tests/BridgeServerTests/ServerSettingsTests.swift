import Bridge
@testable import BridgeServer
import Logging
import Primitives
import Testing
import XMPP

@Suite struct ServerSettingsTests {
    /// A password, so XMPP (on by default) can resolve.
    static let xmppEnvironment = ["JVB_AUTH_PASSWORD": "s3cret"]

    static func engine(_ settings: ServerSettings) -> BridgeConfiguration {
        settings.bridgeConfiguration(bound: PeerAddress(ipv4: 0x7F00_0001, port: 10_000), interfaces: [])
    }

    @Test func trustBWEFlagTurnsEstimateSpendingOff() throws {
        var options = ServerOptions()
        options.trustsBandwidthEstimate = false
        let settings = try ServerSettings(options: options, environment: Self.xmppEnvironment)
        #expect(!settings.trustsBandwidthEstimate && !Self.engine(settings).trustsBandwidthEstimate)
        #expect(settings.description.contains("videobridge.cc.trust-bwe=false"))
    }

    @Test func defaultsMatchJVB() throws {
        let settings = try ServerSettings(options: ServerOptions(), environment: Self.xmppEnvironment)
        #expect(settings.mediaPort == 10000)
        #expect(settings.mediaHost == "0.0.0.0")
        #expect(settings.advertisedAddresses.isEmpty)
        #expect(settings.advertisePrivateCandidates)
        #expect(settings.httpHost == "127.0.0.1")
        #expect(settings.httpPort == 8080)
        #expect(!settings.colibriRESTEnabled && !settings.shutdownRESTEnabled)
        #expect(settings.sctpEnabled)
        #expect(settings.logLevel == .info)
        #expect(settings.xmpp.enabled)
        #expect(settings.xmpp.servers == [ServerAddress(host: "xmpp.meet.jitsi", port: 5222)])
        #expect(settings.xmpp.domain == "auth.meet.jitsi")
        #expect(settings.xmpp.brewery.room.description == "jvbbrewery@internal-muc.meet.jitsi")
        #expect(settings.xmpp.user == "jvb" && settings.xmpp.verifyCertificate)
        #expect(settings.xmpp.presenceInterval == 5)
        #expect(settings.gracefulShutdownMaxDuration == 86_400 && settings.shuttingDownDelay == 60)
        #expect(settings.stressPacketRate == 50_000 && settings.region == nil)
        #expect(settings.trustsBandwidthEstimate && Self.engine(settings).trustsBandwidthEstimate)
    }

    @Test func environmentOverridesDefaults() throws {
        let settings = try ServerSettings(options: ServerOptions(), environment: Self.xmppEnvironment.merging([
            "JVB_PORT": "10001", "JVB_BIND_ADDRESS": "127.0.0.1", "JVB_ADVERTISE_IPS": "203.0.113.5,198.51.100.7#4443",
            "JVB_ADVERTISE_PRIVATE_CANDIDATES": "false", "COLIBRI_REST_ENABLED": "0", "ENABLE_SCTP": "FALSE",
        ]) { $1 })
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
        let settings = try ServerSettings(options: options, environment: Self.xmppEnvironment.merging([
            "JVB_PORT": "10001", "JVB_BIND_ADDRESS": "127.0.0.1", "JVB_ADVERTISE_IPS": "203.0.113.5",
            "JVB_ADVERTISE_PRIVATE_CANDIDATES": "false", "COLIBRI_REST_ENABLED": "false", "ENABLE_SCTP": "0",
        ]) { $1 })
        #expect(settings.mediaPort == 20000)
        #expect(settings.mediaHost == "::")
        #expect(settings.advertisedAddresses == [PeerAddress(host: "192.0.2.1", port: 20000)])
        #expect(settings.advertisePrivateCandidates && settings.colibriRESTEnabled && settings.sctpEnabled)
        #expect(settings.httpHost == "0.0.0.0" && settings.httpPort == 18080)
        #expect(settings.logLevel == .debug)
    }

    @Test func dockerHostAddressIsTheAdvertiseFallback() throws {
        let fallback = try ServerSettings(options: ServerOptions(), environment: ["DOCKER_HOST_ADDRESS": "192.0.2.9", "JVB_DISABLE_XMPP": "1"])
        #expect(fallback.advertisedAddresses == [PeerAddress(host: "192.0.2.9", port: 10000)])
        let blank = try ServerSettings(
            options: ServerOptions(), environment: ["JVB_ADVERTISE_IPS": "", "DOCKER_HOST_ADDRESS": "192.0.2.9", "JVB_DISABLE_XMPP": "1"]
        )
        #expect(blank.advertisedAddresses == fallback.advertisedAddresses)
        let preferred = try ServerSettings(
            options: ServerOptions(), environment: ["JVB_ADVERTISE_IPS": "192.0.2.1", "DOCKER_HOST_ADDRESS": "192.0.2.9", "JVB_DISABLE_XMPP": "1"]
        )
        #expect(preferred.advertisedAddresses == [PeerAddress(host: "192.0.2.1", port: 10000)])
    }

    @Test(arguments: [
        ["JVB_PORT": "abc"], ["JVB_PORT": "70000"], ["JVB_BIND_ADDRESS": "example.com"],
        ["ENABLE_SCTP": "maybe"], ["JVB_ADVERTISE_IPS": "192.0.2.1#0"], ["XMPP_SERVER": "xmpp:0"],
        ["XMPP_PORT": "x"], ["JVB_DISABLE_XMPP": "perhaps"], ["JVB_GRACEFUL_SHUTDOWN_MAX_DURATION": "-1"],
    ])
    func badEnvironmentIsRejected(_ environment: [String: String]) {
        let environment = Self.xmppEnvironment.merging(environment) { $1 }
        #expect(throws: ConfigurationError.self) { try ServerSettings(options: ServerOptions(), environment: environment) }
    }

    @Test func missingPasswordWithXMPPIsAClearError() {
        #expect(throws: ConfigurationError.self) { try ServerSettings(options: ServerOptions(), environment: [:]) }
        do {
            _ = try ServerSettings(options: ServerOptions(), environment: [:])
        } catch {
            #expect(error.description.contains("JVB_AUTH_PASSWORD") && error.description.contains("JVB_DISABLE_XMPP"))
        }
    }

    @Test func withoutXMPPColibriRESTDefaultsOn() throws {
        let settings = try ServerSettings(options: ServerOptions(), environment: ["JVB_DISABLE_XMPP": "true"])
        #expect(!settings.xmpp.enabled && settings.colibriRESTEnabled)
        var options = ServerOptions()
        options.disableXMPP = true
        options.colibriREST = false
        #expect(try !ServerSettings(options: options, environment: [:]).colibriRESTEnabled)
    }

    @Test func xmppEnvironmentOfTheUpstreamContainer() throws {
        let settings = try ServerSettings(options: ServerOptions(), environment: [
            "XMPP_SERVER": "xmpp.example.org, 10.0.0.2:6222,[2001:db8::1]:5223", "XMPP_PORT": "5269",
            "XMPP_AUTH_DOMAIN": "auth.example.org", "XMPP_INTERNAL_MUC_DOMAIN": "internal.auth.example.org",
            "JVB_AUTH_USER": "bridge", "JVB_AUTH_PASSWORD": "pass word", "JVB_BREWERY_MUC": "brewery",
            "JVB_MUC_NICKNAME": "jvb-7", "DISABLE_CERTIFICATE_VERIFICATION": "true", "JVB_OCTO_REGION": "eu-west",
            "SHUTDOWN_REST_ENABLED": "1", "COLIBRI_REST_ENABLED": "1",
        ])
        #expect(settings.xmpp.servers == [
            ServerAddress(host: "xmpp.example.org", port: 5269), ServerAddress(host: "10.0.0.2", port: 6222),
            ServerAddress(host: "2001:db8::1", port: 5223),
        ])
        #expect(settings.xmpp.credentials == XMPPCredentials(username: "bridge", password: "pass word"))
        #expect(settings.xmpp.brewery.occupantJID.description == "brewery@internal.auth.example.org/jvb-7")
        #expect(!settings.xmpp.verifyCertificate)
        #expect(settings.region == "eu-west" && settings.shutdownRouteEnabled)
    }

    @Test func separateBreweryServerReplacesTheXMPPNames() throws {
        let settings = try ServerSettings(options: ServerOptions(), environment: Self.xmppEnvironment.merging([
            "ENABLE_JVB_XMPP_SERVER": "1", "XMPP_SERVER": "xmpp.meet.jitsi",
        ]) { $1 })
        #expect(settings.xmpp.servers == [ServerAddress(host: "xmpp.jvb.meet.jitsi", port: 6222)])
        #expect(settings.xmpp.domain == "auth.jvb.meet.jitsi" && settings.xmpp.mucDomain == "muc.jvb.meet.jitsi")
    }

    @Test func javaOnlyVariablesAreIgnoredByName() throws {
        let settings = try ServerSettings(options: ServerOptions(), environment: Self.xmppEnvironment.merging([
            "VIDEOBRIDGE_MAX_MEMORY": "3072m", "SENTRY_DSN": "https://key@sentry.example/1", "AUTOSCALER_URL": "x",
            "JVB_CC_TRUST_BWE": "", "HOME": "/root",
        ]) { $1 })
        #expect(settings.ignoredEnvironment == ["AUTOSCALER_URL", "SENTRY_DSN", "VIDEOBRIDGE_MAX_MEMORY"])
        #expect(settings.description.contains("ignored-env=SENTRY_DSN"))
        #expect(!settings.description.contains("sentry.example"))
    }

    @Test func printedConfigurationNamesSourcesAndHidesThePassword() throws {
        var options = ServerOptions()
        options.port = 10004
        let settings = try ServerSettings(options: options, environment: [
            "JVB_AUTH_PASSWORD": "hunter2", "JVB_ADVERTISE_IPS": "192.0.2.1", "XMPP_SERVER": "127.0.0.1",
        ])
        let text = settings.description
        #expect(text.contains("media.port=10004  # flag --port"))
        #expect(text.contains("media.advertise-ips=192.0.2.1#10004  # env JVB_ADVERTISE_IPS"))
        #expect(text.contains("xmpp.servers=127.0.0.1:5222  # env XMPP_SERVER"))
        #expect(text.contains("xmpp.password=<redacted>  # env JVB_AUTH_PASSWORD"))
        #expect(text.contains("colibri.rest=false  # default"))
        #expect(!text.contains("hunter2"))
        #expect(!String(describing: settings.xmpp).contains("hunter2"))
    }

    @Test func aFlagMasksABadVariable() throws {
        var options = ServerOptions()
        options.port = 10002
        #expect(try ServerSettings(options: options, environment: ["JVB_PORT": "abc", "JVB_DISABLE_XMPP": "1"]).mediaPort == 10002)
    }

    @Test func unknownLogLevelIsRejected() {
        var options = ServerOptions()
        options.logLevel = "loud"
        #expect(throws: ConfigurationError.self) { try ServerSettings(options: options, environment: Self.xmppEnvironment) }
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

import Primitives
import Testing
import XMLStream
@testable import Bridge

/// The reachability self-check: endpoints whose packets never arrive, or whose checks arrive
/// but never connect, turn the bridge `unreachable` with one warning; a connection turns it back.
struct ReachabilitySimulationTests {
    static func peer(_ name: String, _ index: UInt8) throws -> SimulatedPeer {
        try SimulatedPeer(name: name, address: PeerAddress(host: "127.0.0.\(index)", port: 40_000)!, ssrcBase: UInt32(index) * 1000)
    }

    /// Joins a peer behind a firewall that drops one direction, and lets the verdict delay pass.
    static func joinBehindFirewall(
        _ sim: BridgeSimulation, _ name: String, _ index: UInt8, dropping direction: ReferenceWritableKeyPath<SimulatedPeer, Bool>
    ) throws {
        let peer = try Self.peer(name, index)
        peer[keyPath: direction] = true
        try sim.join(peer)
        sim.run(milliseconds: EndpointReachability.verdictDelayMilliseconds + 1_000)
    }

    static func warnings(_ sim: BridgeSimulation) -> [String] {
        sim.events.compactMap { event in
            if case .log(.warning, let text) = event, text.hasPrefix("media unreachable") { return text }
            return nil
        }
    }

    static func recoveries(_ sim: BridgeSimulation) -> [String] {
        sim.events.compactMap { event in
            if case .log(.info, let text) = event, text.hasPrefix("media reachable again") { return text }
            return nil
        }
    }

    @Test func noChecksFromTheFirstEndpointFlagsTheBridgeOnce() throws {
        let sim = try BridgeSimulation()
        let blocked = try Self.peer("A", 2)
        blocked.uplinkBlocked = true
        try sim.join(blocked)
        sim.run(milliseconds: EndpointReachability.verdictDelayMilliseconds - 500)
        #expect(sim.engine.statistics().reachability.state == .unknown)
        sim.run(milliseconds: 1_000)
        let reachability = sim.engine.statistics().reachability
        #expect(reachability.state == .unreachable)
        #expect(reachability.endpointsWithoutChecks == 1)
        let detail = try #require(reachability.detail)
        #expect(detail.contains("no ICE check arrived from endpoint A of \(sim.meetingID)"))
        #expect(detail.contains("UDP port 10000 at 127.0.0.1"))
        #expect(Self.warnings(sim).count == 1)
        sim.run(milliseconds: 20_000)
        #expect(Self.warnings(sim).count == 1)
    }

    @Test func aConnectionClearsTheFlag() throws {
        let sim = try BridgeSimulation()
        try Self.joinBehindFirewall(sim, "A", 2, dropping: \.uplinkBlocked)
        #expect(sim.engine.statistics().reachability.state == .unreachable)
        try sim.join(try Self.peer("B", 3))
        sim.run(milliseconds: 2_000)
        let reachability = sim.engine.statistics().reachability
        #expect(reachability.state == .reachable)
        #expect(reachability.detail == nil)
        #expect(reachability.connections == 1)
        #expect(Self.recoveries(sim) == ["media reachable again: endpoint B of \(sim.meetingID) connected"])
    }

    @Test func afterAConnectionOneBlockedClientIsNotEnough() throws {
        let sim = try BridgeSimulation()
        try sim.join(try Self.peer("A", 2))
        sim.run(milliseconds: 2_000)
        #expect(sim.engine.statistics().reachability.state == .reachable)
        try Self.joinBehindFirewall(sim, "B", 3, dropping: \.uplinkBlocked)
        #expect(sim.engine.statistics().reachability.state == .reachable)
        #expect(sim.engine.statistics().reachability.consecutiveFailures == 1)
        try Self.joinBehindFirewall(sim, "C", 4, dropping: \.uplinkBlocked)
        #expect(sim.engine.statistics().reachability.state == .unreachable)
        #expect(try #require(sim.engine.statistics().reachability.detail).hasPrefix("2 endpoints in a row"))
        #expect(Self.warnings(sim).count == 1)
    }

    @Test func checksThatNeverConnectAreTheOtherFailure() throws {
        let sim = try BridgeSimulation()
        try Self.joinBehindFirewall(sim, "A", 2, dropping: \.downlinkBlocked)
        let reachability = sim.engine.statistics().reachability
        #expect(reachability.state == .unreachable)
        #expect(reachability.endpointsWithoutChecks == 0)
        #expect(reachability.endpointsWithoutConnection == 1)
        #expect(try #require(reachability.detail).contains("ICE checks arrived from endpoint A"))
    }

    @Test func aClientThatConnectsIsNeverJudgedAFailure() throws {
        let sim = try BridgeSimulation()
        try sim.join(try Self.peer("A", 2))
        sim.run(milliseconds: 30_000)
        let reachability = sim.engine.statistics().reachability
        #expect(reachability.state == .reachable)
        #expect(reachability.connections == 1)
        #expect(reachability.consecutiveFailures == 0)
        #expect(Self.warnings(sim).isEmpty)
    }

    @Test func discoveredAddressesBecomeServerReflexiveCandidatesOfNewEndpoints() throws {
        let sim = try BridgeSimulation()
        let discovered = PeerAddress(host: "198.18.0.1", port: 10000)!
        #expect(sim.engine.advertiseDiscoveredAddresses([discovered, BridgeSimulation.bridgeAddress]))
        let (ok, reply) = try sim.colibri("""
            <conference-modify xmlns="jitsi:colibri2" meeting-id="\(sim.meetingID)" name="room@conference.example.com" create="true">
              <endpoint id="A" create="true">
                \(BridgeSimulation.mediaXML)
                <transport ice-controlling="true"/>
                <sources/>
                <capability name="source-names"/>
              </endpoint>
            </conference-modify>
            """)
        #expect(ok, "\(reply.xmlString())")
        let candidates = try #require(reply.child("endpoint")?.child("transport")?.child("transport")).children("candidate")
        let described = candidates.map { "\($0.attribute("type") ?? "")/\($0.attribute("ip") ?? ""):\($0.attribute("port") ?? "")" }
        // The host address STUN echoed back adds nothing: it is a host candidate already.
        #expect(described == ["host/127.0.0.1:10000", "srflx/198.18.0.1:10000"])
    }

    @Test func staticMappingsWinOverDiscovery() throws {
        let sim = try BridgeSimulation(configuration: BridgeConfiguration(
            hostAddresses: [BridgeSimulation.bridgeAddress], advertisedAddresses: [PeerAddress(host: "198.18.0.7", port: 10000)!]))
        #expect(!sim.engine.advertiseDiscoveredAddresses([PeerAddress(host: "198.18.0.1", port: 10000)!]))
        #expect(sim.engine.advertisedMediaAddresses == "UDP port 10000 at 127.0.0.1, 198.18.0.7")
    }
}

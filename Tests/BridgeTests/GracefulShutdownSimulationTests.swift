import Bridge
import Primitives
import Testing
import XMLStream

/// Graceful shutdown as the engine sees it (docs/colibri2.md §3): creates refused with
/// `service-unavailable` + `graceful_shutdown`, running conferences untouched.
@Suite struct GracefulShutdownSimulationTests {
    @Test func createsAreRefusedWhileExistingConferencesKeepWorking() throws {
        let simulation = try BridgeSimulation()
        let alice = try SimulatedPeer(name: "alice", address: ForwardingSimulationTests.address(2), ssrcBase: 2000)
        try simulation.join(alice)
        simulation.engine.acceptsNewConferences = false

        let (ok, error) = try simulation.colibri(
            #"<conference-modify xmlns="jitsi:colibri2" meeting-id="another" name="x@conference.example.com" create="true"/>"#
        )
        #expect(!ok)
        #expect(error.child("service-unavailable") != nil)
        #expect(error.child("error", namespace: "jitsi:colibri2")?.attribute("reason") == "graceful_shutdown")

        // JVB lets existing conferences add endpoints during a graceful shutdown.
        let bob = try SimulatedPeer(name: "bob", address: ForwardingSimulationTests.address(3), ssrcBase: 3000)
        try simulation.join(bob)
        #expect(simulation.engine.statistics().endpoints == 2)
        #expect(simulation.engine.statistics().conferences == 1)
    }
}

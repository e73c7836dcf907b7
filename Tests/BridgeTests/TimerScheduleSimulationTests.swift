@testable import Bridge
import Primitives
import RTP
import Testing

/// A timer run visits only the endpoints whose timers are due or that an input reached since
/// (`Endpoint.timersDueAt`); every other endpoint keeps the deadline of its last visit.
@Suite struct TimerScheduleSimulationTests {
    static func endpoints(_ simulation: BridgeSimulation) throws -> [String: Endpoint] {
        let conference = try #require(simulation.engine.conferences[simulation.meetingID])
        return Dictionary(uniqueKeysWithValues: conference.endpoints.map { ($0.id, $0) })
    }

    @Test func anInputWakesOnlyTheEndpointItCameFromAndTheRunReschedulesIt() throws {
        let (simulation, peers) = try ForwardingSimulationTests.threePartyCall()
        let (a, b, c) = (peers[0], peers[1], peers[2])
        // A's video already flows (its first packets start the layer, which re-runs allocation
        // and so wakes everyone), and whatever was due has run.
        RetransmissionRequestSimulationTests.sendVideo(from: a, 690, through: 699, missing: [])
        simulation.run(milliseconds: 10)
        simulation.engine.handleTimeout(now: simulation.now, transmit: simulation.transmit)
        let endpoints = try Self.endpoints(simulation)
        for endpoint in endpoints.values {
            let due = try #require(endpoint.timersDueAt)
            #expect(due > simulation.now, "\(endpoint.id) is due at \(due), now \(simulation.now)")
        }
        let before = endpoints.mapValues(\.timersDueAt)

        // A sends video with a gap: A's timers must run soon (a NACK after the 5 ms reordering
        // wait), though its last visit scheduled nothing that early.
        RetransmissionRequestSimulationTests.sendVideo(from: a, 700, through: 705, missing: [702])
        // Only A's datagrams reach the engine: B and C do not get (and answer) the copies.
        for index in 0..<a.transmit.count { simulation.inject(Array(a.transmit.datagram(index)), from: a.address) }
        a.transmit.removeAll()
        let woken = try #require(endpoints[a.name])
        #expect(woken.timersDueAt == .zero)
        #expect(try #require(simulation.engine.nextDeadline()) <= simulation.now)
        for other in [b, c] {
            // Forwarding to them set nothing of theirs that a timer waits for.
            #expect(endpoints[other.name]?.timersDueAt == before[other.name] ?? nil, "\(other.name)")
        }

        simulation.engine.handleTimeout(now: simulation.now, transmit: simulation.transmit)
        let nack = simulation.now.adding(milliseconds: 5)
        let rescheduled = try #require(woken.timersDueAt)
        #expect(rescheduled > simulation.now && rescheduled <= nack, "A due at \(rescheduled), the NACK at \(nack)")
        #expect(try #require(simulation.engine.nextDeadline()) <= nack)
    }

    @Test func signallingWakesEveryEndpointOfTheConference() throws {
        let (simulation, peers) = try ForwardingSimulationTests.threePartyCall()
        simulation.engine.handleTimeout(now: simulation.now, transmit: simulation.transmit)
        let endpoints = try Self.endpoints(simulation)
        #expect(endpoints.values.allSatisfy { ($0.timersDueAt ?? .zero) > simulation.now })
        // A force-mute changes nothing of the timers, but any Colibri2 request may (candidates,
        // sources), so the whole conference is visited at the next run.
        let (ok, _) = try simulation.colibri("""
            <conference-modify xmlns="jitsi:colibri2" meeting-id="\(simulation.meetingID)">
              <endpoint id="\(peers[1].name)"><force-mute audio="true" video="false"/></endpoint>
            </conference-modify>
            """)
        #expect(ok)
        #expect(endpoints.values.allSatisfy { $0.timersDueAt == .zero })
    }

    @Test func mediaInactivityIsAnnouncedOnTimeWithoutAnyOtherInput() throws {
        // The 3 s inactivity check has a deadline of its own: nothing else needs to wake the
        // endpoint for the others to hear, at that moment, that its media stopped.
        let (simulation, peers) = try ForwardingSimulationTests.threePartyCall()
        let a = peers[0]
        RetransmissionRequestSimulationTests.sendVideo(from: a, 700, through: 705, missing: [])
        simulation.deliver()
        // The last packet half a second later: the conference's once-a-second allocation (which
        // visits every endpoint) then runs half a second off the inactivity deadline.
        simulation.run(milliseconds: 500)
        RetransmissionRequestSimulationTests.sendVideo(from: a, 706, through: 706, missing: [])
        simulation.deliver()
        let lastMedia = simulation.now
        simulation.events.removeAll()
        var announcedAt: Int64?
        for _ in 0..<4000 where announcedAt == nil {
            simulation.run(milliseconds: 1)
            let inactive = simulation.events.contains { event in
                if case .sendBridgeChannelMessage(_, let text) = event {
                    text.contains("EndpointConnectivityStatusChangeEvent") && text.contains(#""active":"false""#)
                } else { false }
            }
            if inactive { announcedAt = simulation.now.milliseconds(since: lastMedia) }
        }
        let at = try #require(announcedAt)
        #expect((3000...3002).contains(at), "announced \(at) ms after the last packet")
    }
}

import Bridge
import Testing

@Suite struct BridgeChannelSimulationTests {
    @Test func endpointMessageIsRelayedWithFrom() throws {
        let (simulation, _) = try ForwardingSimulationTests.threePartyCall()
        #expect(simulation.events.contains { if case .sctpAssociationOpened = $0 { true } else { false } })
        simulation.events.removeAll()
        let message = #"{"colibriClass":"EndpointMessage","to":"B","msgPayload":{"hello":1},"extra":"kept"}"#
        simulation.engine.handleBridgeChannelMessage(Array(message.utf8), association: SCTPAssociationTag(rawValue: 1), now: simulation.now)
        simulation.drainEngine()
        let sent = simulation.events.compactMap { event -> (UInt32, String)? in
            if case .sendBridgeChannelMessage(let tag, let text) = event { (tag.rawValue, text) } else { nil }
        }
        #expect(sent.count == 1)
        #expect(sent.first?.0 == 2)
        #expect(sent.first?.1.contains(#""from":"A""#) == true)
        #expect(sent.first?.1.contains(#""extra":"kept""#) == true)
    }

    @Test func broadcastReachesEveryoneElse() throws {
        let (simulation, _) = try ForwardingSimulationTests.threePartyCall()
        simulation.events.removeAll()
        let message = #"{"colibriClass":"EndpointMessage","to":"","msgPayload":{}}"#
        simulation.engine.handleBridgeChannelMessage(Array(message.utf8), association: SCTPAssociationTag(rawValue: 1), now: simulation.now)
        simulation.drainEngine()
        let targets = simulation.events.compactMap { event -> UInt32? in
            if case .sendBridgeChannelMessage(let tag, _) = event { tag.rawValue } else { nil }
        }
        #expect(Set(targets) == [2, 3])
    }

    @Test func clientHelloGetsServerHello() throws {
        let (simulation, _) = try ForwardingSimulationTests.threePartyCall()
        simulation.events.removeAll()
        simulation.engine.handleBridgeChannelMessage(Array(#"{"colibriClass":"ClientHello"}"#.utf8), association: SCTPAssociationTag(rawValue: 2), now: simulation.now)
        simulation.drainEngine()
        #expect(simulation.events.contains { if case .sendBridgeChannelMessage(let tag, let text) = $0 { tag.rawValue == 2 && text.contains("ServerHello") } else { false } })
    }
}

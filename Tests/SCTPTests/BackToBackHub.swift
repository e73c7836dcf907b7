import Synchronization
import Testing
@testable import SCTP

/// One hub with two associations wired back to back through the outbound callback:
/// A (client, id 1) and B (server, id 2). Delivering a packet only enqueues, so the wiring
/// never re-enters usrsctp.
final class BackToBackHub: Sendable {
    static let a = SCTPAssociationID(rawValue: 1)
    static let b = SCTPAssociationID(rawValue: 2)
    static let label = "JVB data channel"
    static let proto = "http://jitsi.org/protocols/colibri"

    private let hubSlot = Mutex<SCTPHub?>(nil)
    private let recorded = Mutex<[SCTPEvent]>([])
    /// Packets B sent, kept for tests that replay or mangle real traffic.
    let packetsFromB = Mutex<[[UInt8]]>([])

    var hub: SCTPHub {
        // Set in init before anything can call it.
        hubSlot.withLock { $0 }!
    }

    init() {
        let hub = SCTPHub(
            outbound: { [weak self] id, packet in
                guard let self else { return }
                if id == Self.b { self.packetsFromB.withLock { $0.append(packet) } }
                self.hubSlot.withLock { $0 }?.handleInbound(id == Self.a ? Self.b : Self.a, packet: packet)
            },
            events: { [weak self] event in self?.recorded.withLock { $0.append(event) } })
        hubSlot.withLock { $0 = hub }
    }

    var events: [SCTPEvent] { recorded.withLock { $0 } }

    /// Polls until `predicate` holds for the recorded events, or `seconds` pass.
    @discardableResult
    func wait(seconds: Double = 5, _ predicate: ([SCTPEvent]) -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        while ContinuousClock.now < deadline {
            if predicate(events) { return true }
            try? await Task.sleep(for: .milliseconds(5))
        }
        return predicate(events)
    }

    func wait(for event: SCTPEvent, seconds: Double = 5) async -> Bool {
        await wait(seconds: seconds) { $0.contains(event) }
    }

    /// Brings both associations up and opens the bridge channel from A.
    func connectWithChannel() async -> Bool {
        hub.openServer(Self.b)
        hub.openClient(Self.a)
        hub.openChannel(Self.a, label: Self.label, protocol: Self.proto)
        return await wait(for: .channelOpened(Self.a, streamID: 0, label: Self.label, protocol: Self.proto))
    }

    func messages(to id: SCTPAssociationID) -> [(ppid: UInt32, bytes: [UInt8])] {
        events.compactMap { event in
            guard case .message(id, _, let ppid, let bytes) = event else { return nil }
            return (ppid, bytes)
        }
    }

    /// Stops the hub's thread and breaks the hub → callback → harness reference cycle.
    func shutdown() {
        hub.shutdown()
        hubSlot.withLock { $0 = nil }
    }
}

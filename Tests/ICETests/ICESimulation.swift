import Primitives

@testable import ICE

/// Two agents joined by a simulated network on a simulated clock: the bridge (controlling) and
/// a browser-like peer (controlled by default), exchanging datagrams through TransmitQueues.
final class ICESimulation {
    let bridge: ICEAgent
    let peer: ICEAgent
    let bridgeAddress = PeerAddress(host: "10.0.0.1", port: 10000)!
    /// Where the peer's datagrams appear to come from; change it to simulate a NAT rebinding.
    var peerAddress = PeerAddress(host: "192.168.1.20", port: 50000)!
    var now = Instant.zero
    let bridgeTransmit = TransmitQueue(capacity: 64)
    let peerTransmit = TransmitQueue(capacity: 64)
    var dropToBridge = false
    var dropToPeer = false
    var bridgeEvents: [(Instant, ICEEvent)] = []
    var peerEvents: [(Instant, ICEEvent)] = []
    /// Every datagram the bridge sent: when and to whom (whether delivered or not).
    var bridgeSent: [(Instant, PeerAddress, [UInt8])] = []
    var errors: [ICEError] = []

    init(peerRole: ICERole = .controlled, bridgeTieBreaker: UInt64 = 0xB1D6E, peerTieBreaker: UInt64 = 0x9EE2) {
        let bridgeCredentials = ICECredentials.random()
        let peerCredentials = ICECredentials.random()
        bridge = ICEAgent(local: bridgeCredentials, tieBreaker: bridgeTieBreaker)
        peer = ICEAgent(local: peerCredentials, tieBreaker: peerTieBreaker, role: peerRole)
        bridge.setRemoteCredentials(peerCredentials, now: now)
        peer.setRemoteCredentials(bridgeCredentials, now: now)
        // The browser knows the bridge's host candidate from the offer; the bridge learns the
        // browser's address peer-reflexively, as with jitsi-meet before candidates trickle in.
        peer.addRemoteCandidate(
            ICECandidate(foundation: "1", priority: ICECandidate.priority(type: .host), address: bridgeAddress, type: .host),
            now: now)
    }

    /// Delivers everything queued, repeatedly, until both queues are empty.
    func deliver() {
        while bridgeTransmit.count > 0 || peerTransmit.count > 0 {
            for i in 0..<bridgeTransmit.count {
                let bytes = Array(bridgeTransmit.datagram(i))
                let destination = bridgeTransmit.destination(i)
                bridgeSent.append((now, destination, bytes))
                guard !dropToPeer, destination == peerAddress else { continue }
                feed(peer, bytes, from: bridgeAddress)
            }
            bridgeTransmit.removeAll()
            for i in 0..<peerTransmit.count {
                let bytes = Array(peerTransmit.datagram(i))
                guard !dropToBridge, peerTransmit.destination(i) == bridgeAddress else { continue }
                feed(bridge, bytes, from: peerAddress)
            }
            peerTransmit.removeAll()
            drainEvents()
        }
    }

    private func feed(_ agent: ICEAgent, _ bytes: [UInt8], from source: PeerAddress) {
        let transmit = agent === bridge ? bridgeTransmit : peerTransmit
        if let error = stunError(agent, bytes, from: source, now: now, transmit: transmit) { errors.append(error) }
    }

    private func drainEvents() {
        while let event = bridge.pollEvent() { bridgeEvents.append((now, event)) }
        while let event = peer.pollEvent() { peerEvents.append((now, event)) }
    }

    /// Advances the clock deadline by deadline until `end`, delivering after every step.
    func run(until end: Instant) {
        deliver()
        while true {
            guard let next = bridge.nextDeadline().earliest(peer.nextDeadline()), next <= end else { break }
            now = max(now, next)
            bridge.handleTimeout(now: now, transmit: bridgeTransmit)
            peer.handleTimeout(now: now, transmit: peerTransmit)
            deliver()
        }
        now = max(now, end)
    }

    func run(forMilliseconds milliseconds: Int64) { run(until: now.adding(milliseconds: milliseconds)) }
}

/// What `handleSTUN` threw for `bytes`, or nil if it accepted them.
func stunError(
    _ agent: ICEAgent, _ bytes: [UInt8], from source: PeerAddress, now: Instant = .zero, transmit: TransmitQueue
) -> ICEError? {
    bytes.withUnsafeBytes { raw -> ICEError? in
        do throws(ICEError) {
            try agent.handleSTUN(raw, from: source, now: now, transmit: transmit)
            return nil
        } catch { return error }
    }
}

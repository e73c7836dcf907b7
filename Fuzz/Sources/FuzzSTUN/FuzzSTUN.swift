// STUN as the shared media port sees it: the stateless demux peek (any source), then a full
// ICE agent (libnice validation, MESSAGE-INTEGRITY, FINGERPRINT, replies, triggered checks).
// Then the same bytes as an answer to public-address discovery (`PublicAddressProbe`).

import ICE
import Primitives

/// RFC 5769 §2.1's credentials, so the committed sample request authenticates and the fuzzer
/// starts from inside the authenticated path rather than at the USERNAME check.
private let local = ICECredentials(ufrag: "evtj", password: "VOkJxbRl1RmTxUk/WvJxBt")
private let remote = ICECredentials(ufrag: "h6vY", password: "fuzz-remote-password-0123")
/// The signalled candidate; inputs are delivered from it so responses can match our check.
private let peer = PeerAddress(ipv4: 0xC633_6407, port: 40000)
nonisolated(unsafe) private let transmit = TransmitQueue(capacity: 64)

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let datagram = UnsafeRawBufferPointer(start: data, count: size)
    // The engine's demux for unknown sources: a ufrag only ever comes out of a sound request.
    let isRequest = STUNPeek.isBindingRequest(datagram)
    if let range = STUNPeek.localUfragRange(of: datagram) {
        precondition(isRequest && range.lowerBound >= 20 && range.upperBound <= size, "ufrag range \(range) of \(size)")
        _ = STUNPeek.localUfrag(of: datagram)
    }

    // A fresh agent per input keeps every run reproducible from its input alone. It has sent
    // one check to `peer` (the transaction id comes from a seeded generator, so it is the same
    // every run and the fuzzer can learn it through comparison tracing).
    let agent = ICEAgent(local: local, tieBreaker: 0x5EED, role: .controlling)
    agent.setRemoteCredentials(remote, now: .zero)
    agent.addRemoteCandidate(
        ICECandidate(foundation: "1", component: 1, priority: 2_122_260_223, address: peer, type: .host, relatedAddress: nil),
        now: .zero)
    agent.handleTimeout(now: .zero, transmit: transmit)
    transmit.removeAll()

    let now = Instant(nanoseconds: 5_000_000)
    do {
        try agent.handleSTUN(datagram, from: peer, now: now, transmit: transmit)
    } catch {
        // Every typed error is a legitimate verdict on hostile input; only traps are findings.
    }
    while agent.pollEvent() != nil {}
    agent.handleTimeout(now: now.adding(milliseconds: 50), transmit: transmit)
    _ = agent.isVerified(peer)
    _ = agent.nextDeadline()
    transmit.removeAll()
    answerDiscovery(datagram)
    return 0
}

/// Feeds the input to a discovery round as the server's answer. The request's magic cookie and
/// random transaction id are stamped over bytes 4..<20, so every input of 20 bytes or more
/// reaches libnice's response checks rather than stopping at "unmatched".
private func answerDiscovery(_ datagram: UnsafeRawBufferPointer) {
    let probe = PublicAddressProbe(servers: [peer], now: .zero)
    guard let request = probe.nextTransmission(now: .zero)?.datagram else { return }
    var answer = Array(datagram)
    if answer.count >= 20 { answer.replaceSubrange(4..<20, with: request[4..<20]) }
    do {
        try answer.withUnsafeBytes { try probe.handle($0, from: peer) }
    } catch {
        // A typed refusal is the right verdict on a hostile answer.
    }
    _ = probe.replies
    _ = probe.nextDeadline()
}

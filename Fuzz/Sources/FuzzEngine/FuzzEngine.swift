// The whole sans-IO engine under random datagrams, sources and clock steps (str0m's `receive`
// target): Colibri2 state, ICE, DTLS, SRTP, RTP forwarding, RTCP termination and expiry.
//
// Input layout:
//
//   byte 0        bit 0: secure setup (two endpoints through DTLS, SRTP keys installed)
//   then records, until the input runs out:
//     +--------+--------+--------+----------------------+
//     | control| length (BE16)   | datagram (length, clamped to what is left)
//     +--------+--------+--------+----------------------+
//     control bits 0-1  source: 0 peer A, 1 peer B (or A's host on another port),
//                               2 a stranger (IPv4), 3 a stranger (IPv6)
//             bits 2-4  clock step before the datagram (see `steps`)
//             bit  5    run `handleTimeout` after the datagram
//             bits 6-7  0, 3: as is; 1: SRTP-protect as RTP; 2: SRTCP-protect as RTCP
//                       (by the source peer, when it has keys; otherwise sent as is)

import Bridge
import Foundation
import ICE
import Primitives

/// `FUZZ_ENGINE_TRACE=1` prints the engine's counters after each input: the way to check that
/// a corpus entry reaches the state it was written for (for example, SRTP that authenticates).
private let trace = ProcessInfo.processInfo.environment["FUZZ_ENGINE_TRACE"] == "1"

private let steps: [Int64] = [0, 1, 10, 100, 1_000, 5_000, 30_000, 61_000]
private let strangers = [
    PeerAddress(ipv4: 0x0A00_0001, port: 5000),
    PeerAddress(ipv6: (0x2001_0DB8_0000_0000, 0x0000_0000_0000_0001), port: 5000),
]

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size >= 1 else { return 0 }
    let fixture = EngineFixture(secure: data[0] & 1 != 0)
    var offset = 1
    while offset + 3 <= size {
        let control = data[offset]
        let length = Swift.min(Int(data[offset + 1]) << 8 | Int(data[offset + 2]), size - offset - 3)
        let datagram = UnsafeRawBufferPointer(start: data + offset + 3, count: length)
        offset += 3 + length

        fixture.now = fixture.now.adding(milliseconds: steps[Int(control >> 2) & 7])
        let peer: FuzzPeer?
        let source: PeerAddress
        switch control & 3 {
        case 0, 1:
            let index = Int(control & 3)
            peer = index < fixture.peers.count ? fixture.peers[index] : nil
            source = peer?.address ?? PeerAddress(ipv4: 0x7F00_0001, port: 5001)
        default:
            peer = nil
            source = strangers[Int(control & 1)]
        }
        let wrap = control >> 6
        if let peer, wrap == 1 || wrap == 2, peer.sendProtected(datagram, rtcp: wrap == 2) {
            fixture.exchange()
        } else {
            fixture.deliver(datagram, from: source)
        }
        if control & 0x20 != 0 {
            fixture.engine.handleTimeout(now: fixture.now, transmit: fixture.transmit)
            fixture.drainEvents()
        }
        // The peers keep answering consent checks, so the endpoints stay alive across steps.
        for peer in fixture.peers { peer.tick(now: fixture.now) }
        fixture.exchange()
        _ = fixture.engine.nextDeadline()
    }
    let statistics = fixture.engine.statistics()
    if trace {
        let peers = fixture.peers.map { "\($0.endpointID): ice=\($0.ice.state) srtp=\($0.outbound != nil)" }
        print("FuzzEngine: \(peers.joined(separator: ", ")) received=\(statistics.packetsReceived)", terminator: "")
        print(" sent=\(statistics.packetsSent) endpoints=\(statistics.endpoints) drops=\(statistics.drops)")
    }
    return 0
}

import Primitives
import SRTP

/// What the bridge sends to one endpoint is sealed with: its outbound SRTP session. During a
/// fan-out only the endpoint's lane's thread protects with it, and otherwise only the receiving
/// thread: it needs no lock.
final class OutboundSRTP: PacketSealer {
    let session: SRTPSession

    init(session: SRTPSession) {
        self.session = session
    }

    func seal(_ datagram: UnsafeMutableRawPointer, length: Int, capacity: Int, as kind: SealedPacketKind) -> Int {
        switch kind {
        case .rtp: (try? session.protectRTP(datagram, length: length, capacity: capacity)) ?? 0
        case .rtcp: (try? session.protectRTCP(datagram, length: length, capacity: capacity)) ?? 0
        }
    }
}

import Primitives
import SRTP

/// What the bridge sends to one endpoint is sealed with: its outbound SRTP session and the media
/// thread ("lane") that owns it. Once the endpoint connected, only that lane's thread protects
/// with the session, so it needs no lock.
final class OutboundSRTP: PacketSealer {
    let session: SRTPSession
    let lane: Int

    init(session: SRTPSession, lane: Int) {
        self.session = session
        self.lane = lane
    }

    func seal(_ datagram: UnsafeMutableRawPointer, length: Int, capacity: Int, as kind: SealedPacketKind) -> Int {
        switch kind {
        case .rtp: (try? session.protectRTP(datagram, length: length, capacity: capacity)) ?? 0
        case .rtcp: (try? session.protectRTCP(datagram, length: length, capacity: capacity)) ?? 0
        }
    }

    func sealedLength(_ length: Int, as kind: SealedPacketKind) -> Int {
        switch kind {
        case .rtp: length + session.profile.rtpTrailerLength
        case .rtcp: length + session.profile.rtcpTrailerLength
        }
    }
}

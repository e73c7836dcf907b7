import DTLS
import ICE
import Primitives
import SRTP

/// A WebRTC client made of the project's own protocol modules, behaving toward the bridge as a
/// browser does: ICE controlled, DTLS client (`setup="active"`), SRTP. A trimmed copy of
/// Tests/BridgeTests/SimulatedPeer.swift (test code cannot be imported); it only needs to get
/// connected, and then to send.
final class SimulatedPeer {
    let name: String
    let address: PeerAddress
    let ice: ICEAgent
    let certificate: DTLSCertificate
    var dtls: DTLSEndpoint?
    var outbound: SRTPSession?
    let transmit = TransmitQueue(capacity: 256)
    let audioSSRC: UInt32
    /// One SSRC per video encoding, lowest first: one for a plain camera, three for simulcast
    /// (announced in a SIM group).
    let videoSSRCs: [UInt32]
    /// Each encoding's RTX SSRC (FID group), same order.
    let videoRTXSSRCs: [UInt32]
    /// Whether the peer advertises `ssrc-rewriting`, so the bridge sends it everything under SSRCs
    /// of its own.
    let rewritesSSRCs: Bool
    var bridgeAddress: PeerAddress?

    init(name: String, address: PeerAddress, ssrcBase: UInt32, videoEncodings: Int = 1, rewritesSSRCs: Bool = false) throws {
        self.name = name
        self.address = address
        ice = ICEAgent(local: ICECredentials.random(), tieBreaker: UInt64(ssrcBase), role: .controlled)
        certificate = try DTLSCertificate.generate()
        audioSSRC = ssrcBase + 1
        videoSSRCs = (0..<videoEncodings).map { ssrcBase + 10 + UInt32($0) }
        videoRTXSSRCs = (0..<videoEncodings).map { ssrcBase + 20 + UInt32($0) }
        self.rewritesSSRCs = rewritesSSRCs
    }

    /// Starts ICE toward the bridge once its transport is known.
    func connect(bridgeCredentials: ICECredentials, bridgeCandidate: PeerAddress, bridgeFingerprint: String, now: Instant) throws {
        bridgeAddress = bridgeCandidate
        ice.setRemoteCredentials(bridgeCredentials, now: now)
        ice.addRemoteCandidate(
            ICECandidate(foundation: "1", component: 1, priority: 2_130_706_431, address: bridgeCandidate, type: .host, relatedAddress: nil),
            now: now)
        dtls = try DTLSEndpoint(
            certificate: certificate, role: .client,
            remoteFingerprint: DTLSFingerprint(hashFunction: "sha-256", value: bridgeFingerprint))
    }

    /// Takes a datagram from the bridge. Media is ignored: the benchmark counts what the engine
    /// queues, not what peers decrypt.
    func handle(_ datagram: UnsafeRawBufferPointer, from source: PeerAddress, now: Instant) {
        switch DatagramKind.classify(datagram) {
        case .stun:
            _ = try? ice.handleSTUN(datagram, from: source, now: now, transmit: transmit)
            afterICE(now: now)
        case .dtls:
            _ = try? dtls?.handleDatagram(datagram, now: now)
            afterDTLS()
        case .rtp, .rtcp, .unknown:
            break
        }
    }

    func tick(now: Instant) {
        ice.handleTimeout(now: now, transmit: transmit)
        afterICE(now: now)
        dtls?.handleTimeout(now: now)
        afterDTLS()
    }

    func nextDeadline() -> Instant? { ice.nextDeadline() }

    var isMediaReady: Bool { outbound != nil }

    private func afterICE(now: Instant) {
        while let event = ice.pollEvent() {
            if case .connected = event, let dtls, dtls.state == .new { dtls.startHandshake(now: now) }
        }
        afterDTLS()
    }

    private func afterDTLS() {
        guard let dtls, let destination = bridgeAddress else { return }
        var produced = true
        while produced {
            produced = false
            transmit.append(to: destination) { slot in
                let n = dtls.pollDatagram(into: slot)
                produced = n > 0
                return n
            }
        }
        if outbound == nil, let keys = dtls.srtpKeys, let profile = SRTPProfile(dtlsProtectionProfileID: keys.protectionProfileID) {
            outbound = try? SRTPSession(profile: profile, masterKeyAndSalt: keys.localMasterKeyAndSalt, direction: .outbound)
        }
    }
}

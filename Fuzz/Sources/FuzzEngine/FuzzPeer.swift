import DTLS
import ICE
import Primitives
import SRTP

/// A client of the bridge built from the project's own protocol modules, as a browser behaves:
/// ICE controlled, DTLS client (`setup="active"`), SRTP sender. It exists to get the engine into
/// states a random datagram cannot reach (a verified address, installed SRTP keys) and to
/// encrypt fuzz bytes so they pass SRTP authentication.
final class FuzzPeer {
    /// Generated once: key generation is the slowest step, and a certificate is immutable.
    static let certificate = try! DTLSCertificate.generate()

    let endpointID: String
    let address: PeerAddress
    let ice: ICEAgent
    var dtls: DTLSEndpoint?
    var outbound: SRTPSession?
    let transmit = TransmitQueue(capacity: 64)
    var bridge = PeerAddress(ipv4: 0, port: 0)

    init(endpointID: String, address: PeerAddress, credentials: ICECredentials, tieBreaker: UInt64) {
        self.endpointID = endpointID
        self.address = address
        ice = ICEAgent(local: credentials, tieBreaker: tieBreaker, role: .controlled)
    }

    /// Starts ICE toward the bridge's candidate; with `secure`, DTLS follows once ICE connects.
    func connect(to bridge: PeerAddress, credentials: ICECredentials, fingerprint: String?, now: Instant) {
        self.bridge = bridge
        ice.setRemoteCredentials(credentials, now: now)
        ice.addRemoteCandidate(
            ICECandidate(foundation: "1", priority: 2_130_706_431, address: bridge, type: .host), now: now)
        if let fingerprint {
            dtls = try? DTLSEndpoint(
                certificate: Self.certificate, role: .client,
                remoteFingerprint: DTLSFingerprint(hashFunction: "sha-256", value: fingerprint))
        }
    }

    /// One datagram from the bridge.
    func receive(_ datagram: UnsafeRawBufferPointer, now: Instant) {
        switch DatagramKind.classify(datagram) {
        case .stun: try? ice.handleSTUN(datagram, from: bridge, now: now, transmit: transmit)
        case .dtls: try? dtls?.handleDatagram(datagram, now: now)
        case .rtp, .rtcp, .unknown: return  // media to the client is not under test here
        }
        afterInput(now: now)
    }

    func tick(now: Instant) {
        ice.handleTimeout(now: now, transmit: transmit)
        dtls?.handleTimeout(now: now)
        afterInput(now: now)
    }

    /// Encrypts `plain` as SRTP (or SRTCP) and queues it toward the bridge; false if the peer
    /// has no keys or libsrtp refuses the packet (then the caller sends it in the clear).
    func sendProtected(_ plain: UnsafeRawBufferPointer, rtcp: Bool) -> Bool {
        guard let outbound, plain.count + SRTPSession.maximumTrailerLength <= TransmitQueue.slotSize else { return false }
        var sent = false
        transmit.append(to: bridge) { slot in
            slot.copyMemory(from: plain)
            let length =
                rtcp
                ? try? outbound.protectRTCP(slot.baseAddress!, length: plain.count, capacity: slot.count)
                : try? outbound.protectRTP(slot.baseAddress!, length: plain.count, capacity: slot.count)
            sent = (length ?? 0) > 0
            return length ?? 0
        }
        return sent
    }

    private func afterInput(now: Instant) {
        while let event = ice.pollEvent() {
            if case .connected = event, let dtls, dtls.state == .new { dtls.startHandshake(now: now) }
        }
        guard let dtls else { return }
        var produced = true
        while produced {
            produced = false
            transmit.append(to: bridge) { slot in
                let length = dtls.pollDatagram(into: slot)
                produced = length > 0
                return length
            }
        }
        if outbound == nil, let keys = dtls.srtpKeys, let profile = SRTPProfile(dtlsProtectionProfileID: keys.protectionProfileID) {
            outbound = try? SRTPSession(profile: profile, masterKeyAndSalt: keys.localMasterKeyAndSalt, direction: .outbound)
        }
    }
}

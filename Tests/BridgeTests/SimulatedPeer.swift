import DTLS
import ICE
import Primitives
import RTP
import SRTP

/// A WebRTC client built from the project's own protocol modules, as a browser behaves toward the
/// bridge: ICE controlled, DTLS client (`setup="active"`), SRTP. It records what it receives.
final class SimulatedPeer {
    let name: String
    let address: PeerAddress
    let ice: ICEAgent
    let certificate: DTLSCertificate
    var dtls: DTLSEndpoint?
    var inbound: SRTPSession?
    var outbound: SRTPSession?
    let transmit = TransmitQueue(capacity: 256)
    let audioSSRC: UInt32
    let videoSSRC: UInt32
    let videoRTXSSRC: UInt32
    var sequence: UInt16 = 100
    /// Received RTP: SSRC → sequence numbers, in arrival order.
    var receivedRTP: [UInt32: [UInt16]] = [:]
    /// Received RTP packets in full (after SRTP), for header checks.
    var receivedPackets: [[UInt8]] = []
    /// Received RTCP compounds (after SRTCP).
    var receivedRTCP: [[UInt8]] = []
    /// Received STUN messages, as they came.
    var receivedSTUN: [[UInt8]] = []
    /// The bridge's address, learned from its candidates.
    var bridgeAddress: PeerAddress?
    /// A firewall between the peer and the bridge: what the peer sends is lost (uplink), or
    /// what the bridge sends it is (downlink).
    var uplinkBlocked = false
    var downlinkBlocked = false

    init(name: String, address: PeerAddress, ssrcBase: UInt32) throws {
        self.name = name
        self.address = address
        ice = ICEAgent(local: ICECredentials.random(), tieBreaker: UInt64(ssrcBase), role: .controlled)
        certificate = try DTLSCertificate.generate()
        audioSSRC = ssrcBase + 1
        videoSSRC = ssrcBase + 2
        videoRTXSSRC = ssrcBase + 3
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

    func handle(_ datagram: [UInt8], from source: PeerAddress, now: Instant) {
        var bytes = datagram
        let kind = bytes.withUnsafeBytes { DatagramKind.classify($0) }
        switch kind {
        case .stun:
            receivedSTUN.append(bytes)
            _ = try? bytes.withUnsafeBytes { try ice.handleSTUN($0, from: source, now: now, transmit: transmit) }
            afterICE(now: now)
        case .dtls:
            _ = try? bytes.withUnsafeBytes { try dtls?.handleDatagram($0, now: now) }
            afterDTLS()
        case .rtp:
            guard let inbound else { return }
            let length = bytes.withUnsafeMutableBytes { (try? inbound.unprotectRTP($0.baseAddress!, length: $0.count)) ?? 0 }
            guard length > 0 else { return }
            let plain = Array(bytes[0..<length])
            guard let header = plain.withUnsafeBytes({ try? RTPHeaderView(parsing: $0) }) else { return }
            receivedRTP[header.ssrc, default: []].append(header.sequenceNumber)
            receivedPackets.append(plain)
        case .rtcp:
            guard let inbound else { return }
            let length = bytes.withUnsafeMutableBytes { (try? inbound.unprotectRTCP($0.baseAddress!, length: $0.count)) ?? 0 }
            if length > 0 { receivedRTCP.append(Array(bytes[0..<length])) }
        case .unknown:
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
        if inbound == nil, let keys = dtls.srtpKeys, let profile = SRTPProfile(dtlsProtectionProfileID: keys.protectionProfileID) {
            inbound = try? SRTPSession(profile: profile, masterKeyAndSalt: keys.remoteMasterKeyAndSalt, direction: .inbound)
            outbound = try? SRTPSession(profile: profile, masterKeyAndSalt: keys.localMasterKeyAndSalt, direction: .outbound)
        }
    }

    var isMediaReady: Bool { outbound != nil }

    /// Sends one RTP packet with a MID (id 10) and an audio-level (id 1) extension.
    /// A VP8 payload (RFC 7741 descriptor with S set, no extension) starting a 1280×720 key frame,
    /// so every simulated video packet may start a receiver's stream.
    static let vp8KeyframePayload: [UInt8] = [0x10, 0x50, 0x2A, 0x00, 0x9D, 0x01, 0x2A, 0x00, 0x05, 0xD0, 0x02]
        + Array(repeating: 0xAB, count: 149)

    func sendRTP(
        ssrc: UInt32, payloadType: UInt8, sequenceNumber: UInt16? = nil, payload: [UInt8]? = nil, timestamp: UInt32 = 0x1000,
        extensionBlock: [UInt8] = SimulatedPeer.midAndLevelExtensions
    ) {
        let payload = payload ?? (payloadType == 100 ? Self.vp8KeyframePayload : Array(repeating: 0xAB, count: 160))
        guard let outbound, let destination = bridgeAddress else { return }
        let seq = sequenceNumber ?? { sequence &+= 1; return sequence }()
        var packet: [UInt8] = [0x90, payloadType, UInt8(seq >> 8), UInt8(seq & 0xFF)]
        packet += [UInt8(timestamp >> 24), UInt8((timestamp >> 16) & 0xFF), UInt8((timestamp >> 8) & 0xFF), UInt8(timestamp & 0xFF)]
        packet += [UInt8(ssrc >> 24), UInt8((ssrc >> 16) & 0xFF), UInt8((ssrc >> 8) & 0xFF), UInt8(ssrc & 0xFF)]
        packet += extensionBlock
        packet += payload
        sendProtected(packet, rtcp: false, to: destination, session: outbound)
    }

    /// One-byte extension block: MID "a0" (id 10, 2 bytes) and audio level (id 1, 1 byte), padded.
    static let midAndLevelExtensions: [UInt8] = [0xBE, 0xDE, 0x00, 0x02, 0xA1, 0x61, 0x30, 0x10, 0x2A, 0x00, 0x00, 0x00]

    /// Sends one plain RTCP compound through SRTCP.
    func sendRTCP(_ compound: [UInt8]) {
        guard let outbound, let destination = bridgeAddress else { return }
        sendProtected(compound, rtcp: true, to: destination, session: outbound)
    }

    private func sendProtected(_ plain: [UInt8], rtcp: Bool, to destination: PeerAddress, session: SRTPSession) {
        transmit.append(to: destination) { slot in
            plain.withUnsafeBytes { slot.baseAddress!.copyMemory(from: $0.baseAddress!, byteCount: plain.count) }
            if rtcp { return (try? session.protectRTCP(slot.baseAddress!, length: plain.count, capacity: slot.count)) ?? 0 }
            return (try? session.protectRTP(slot.baseAddress!, length: plain.count, capacity: slot.count)) ?? 0
        }
    }
}

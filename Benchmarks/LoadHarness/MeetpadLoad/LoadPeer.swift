import CLoadSupport
import DTLS
import ICE
import Primitives
import SRTP

/// One simulated peer connection on its own UDP socket: a real WebRTC transport made of the
/// project's own sans-IO modules (ICE agent, DTLS endpoint, SRTP sessions) driven with explicit
/// `Instant`s by `LoadLoop`, which owns the sockets. Toward our bridge it behaves as a browser
/// (ICE controlled, DTLS client); toward Janus it takes whatever roles the SDP gives it.
final class LoadPeer {
    let name: String
    let fd: Int32
    let localAddress: PeerAddress
    let certificate: DTLSCertificate
    let ice: ICEAgent?
    var dtls: DTLSEndpoint?
    var destination: PeerAddress?
    var inbound: SRTPSession?
    var outbound: SRTPSession?
    var profileName = ""
    let transmit = TransmitQueue(capacity: 512)
    /// Set when this connection sends media.
    var sender: MediaSender?
    /// Set when this connection receives media: counts per stream.
    var received: ReceiveStats?
    /// Set with `--decrypt-sample K`: packets counted from their headers, and every K-th
    /// decrypted (the stamp read, the latency sampled); `received` then holds only totals.
    var tally: HeaderTally?
    var decryptEvery = 1
    private var untilSample = 0
    /// Which conference and participant this connection belongs to (for expected streams).
    let conference: Int
    let participant: Int
    var connectedAt: Int64 = 0
    var sendFailures = 0

    /// Opens the socket on `bind` (port chosen by the kernel); `iceRole` nil means no ICE/DTLS
    /// (the floor, which uses fixed keys).
    init(name: String, bind: UInt32, iceRole: ICERole?, conference: Int, participant: Int, tieBreaker: UInt64) throws(LoadError) {
        let fd = load_udp_open(bind, 0, 4 << 20)
        guard fd >= 0 else { throw .setup("cannot open a UDP socket (errno \(-fd)); too many peers for the open-files limit?") }
        let port = load_udp_port(fd)
        guard port > 0 else { throw .setup("getsockname failed") }
        self.name = name
        self.fd = fd
        localAddress = PeerAddress(ipv4: bind, port: UInt16(port))
        do { certificate = try DTLSCertificate.generate() } catch { throw .setup("certificate: \(error)") }
        ice = iceRole.map { ICEAgent(local: ICECredentials.random(), tieBreaker: tieBreaker, role: $0) }
        self.conference = conference
        self.participant = participant
    }

    deinit { load_close(fd) }

    /// Starts ICE and prepares DTLS once the remote description is known.
    func connect(remote: ICECredentials, candidates: [PeerAddress], fingerprint: DTLSFingerprint, dtlsRole: DTLSRole, now: Instant) throws(LoadError) {
        guard let ice else { return }
        ice.setRemoteCredentials(remote, now: now)
        for (index, address) in candidates.enumerated() {
            ice.addRemoteCandidate(
                ICECandidate(foundation: "\(index + 1)", component: 1, priority: ICECandidate.priority(type: .host, localPreference: 65535 - index),
                             address: address, type: .host, relatedAddress: nil),
                now: now)
        }
        do { dtls = try DTLSEndpoint(certificate: certificate, role: dtlsRole, remoteFingerprint: fingerprint) } catch {
            throw .setup("DTLS endpoint: \(error)")
        }
    }

    /// The floor has no handshake: both directions use the fixed key meetpad-floor uses.
    func connectFixedKeys(to address: PeerAddress, profile: SRTPProfile) throws(LoadError) {
        let key = (1...30).map { UInt8($0) }
        let keyLength = profile.masterKeyLength + profile.masterSaltLength
        do {
            inbound = try SRTPSession(profile: profile, masterKeyAndSalt: Array(key[0..<keyLength]), direction: .inbound)
            outbound = try SRTPSession(profile: profile, masterKeyAndSalt: Array(key[0..<keyLength]), direction: .outbound)
        } catch { throw .setup("SRTP: \(error)") }
        destination = address
        profileName = profile == .aeadAES128GCM ? "AEAD_AES_128_GCM" : "AES_CM_128_HMAC_SHA1_80"
    }

    var isReady: Bool { outbound != nil && destination != nil }

    /// One received datagram (decrypted in place when it is SRTP).
    func handle(_ datagram: UnsafeMutableRawBufferPointer, from source: PeerAddress, receiveNanoseconds: Int64, now: Instant,
                measuring: Bool, histogram: LatencyHistogram) {
        guard let base = datagram.baseAddress else { return }
        switch DatagramKind.classify(UnsafeRawBufferPointer(datagram)) {
        case .stun:
            guard let ice else { return }
            try? ice.handleSTUN(UnsafeRawBufferPointer(datagram), from: source, now: now, transmit: transmit)
            afterICE(now: now)
        case .dtls:
            guard let dtls else { return }
            if destination == nil { destination = source }
            try? dtls.handleDatagram(UnsafeRawBufferPointer(datagram), now: now)
            afterDTLS(now: now)
        case .rtp:
            guard let inbound, let received else { return }
            if let tally {
                if measuring { tally.record(base, length: datagram.count) }
                untilSample -= 1
                guard untilSample <= 0 else { return }
                untilSample = decryptEvery
                sample(datagram, session: inbound, into: received, receiveNanoseconds: receiveNanoseconds, histogram: histogram)
                return
            }
            guard let length = try? inbound.unprotectRTP(base, length: datagram.count) else {
                received.decryptFailures += 1
                return
            }
            received.packets += 1
            received.bytes += datagram.count
            guard let stamp = BenchStamp.read(base, length: length),
                BenchStamp.substream(stamp.stream, temporal: stamp.temporal) < received.measured.count
            else {
                received.unstamped += 1
                return
            }
            received.record(stream: stamp.stream, temporal: stamp.temporal, counter: stamp.counter, measured: stamp.measured, bytes: datagram.count)
            if stamp.measured {
                histogram.record(nanoseconds: (receiveNanoseconds > 0 ? receiveNanoseconds : load_realtime_ns()) - stamp.sendNanoseconds)
            }
        case .rtcp:
            received?.rtcp += 1
            guard let sender, let inbound, let length = try? inbound.unprotectRTCP(base, length: datagram.count) else { return }
            if Self.containsKeyframeRequest(UnsafeRawBufferPointer(start: base, count: length)) {
                sender.requestKeyframe(now: now.nanoseconds)
            }
        case .unknown:
            break
        }
    }

    /// One decrypted packet of a header-counted connection: real SRTP under the negotiated keys,
    /// carrying a stamp, and its latency when it was sent in the measured window.
    private func sample(
        _ datagram: UnsafeMutableRawBufferPointer, session: SRTPSession, into received: ReceiveStats, receiveNanoseconds: Int64,
        histogram: LatencyHistogram
    ) {
        guard let base = datagram.baseAddress, let length = try? session.unprotectRTP(base, length: datagram.count) else {
            received.decryptFailures += 1
            return
        }
        received.packets += 1
        guard let stamp = BenchStamp.read(base, length: length) else {
            received.unstamped += 1
            return
        }
        if stamp.measured {
            histogram.record(nanoseconds: (receiveNanoseconds > 0 ? receiveNanoseconds : load_realtime_ns()) - stamp.sendNanoseconds)
        }
    }

    /// PLI (PT 206 FMT 1) or FIR (PT 206 FMT 4) anywhere in a compound packet.
    static func containsKeyframeRequest(_ compound: UnsafeRawBufferPointer) -> Bool {
        var offset = 0
        while offset + 4 <= compound.count {
            let fmt = compound[offset] & 0x1F
            let type = compound[offset + 1]
            if type == 206, fmt == 1 || fmt == 4 { return true }
            let words = Int(compound[offset + 2]) << 8 | Int(compound[offset + 3])
            offset += (words + 1) * 4
        }
        return false
    }

    func tick(now: Instant) {
        guard let ice else { return }
        ice.handleTimeout(now: now, transmit: transmit)
        afterICE(now: now)
        if let dtls {
            dtls.handleTimeout(now: now)
            afterDTLS(now: now)
        }
    }

    func nextDeadline(now: Instant) -> Instant? {
        var next = ice?.nextDeadline()
        if let dtls, outbound == nil { next = next.earliest(dtls.nextTimeout(now: now)) }
        return next
    }

    private func afterICE(now: Instant) {
        guard let ice else { return }
        while let event = ice.pollEvent() {
            switch event {
            case .connected(let address), .selectedAddressChanged(let address):
                destination = address
                if let dtls, dtls.state == .new { dtls.startHandshake(now: now) }
            case .consentLost, .failed:
                break
            }
        }
        afterDTLS(now: now)
    }

    private func afterDTLS(now: Instant) {
        guard let dtls, let destination else { return }
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
            inbound = try? SRTPSession(profile: profile, masterKeyAndSalt: keys.remoteMasterKeyAndSalt, direction: .inbound)
            outbound = try? SRTPSession(profile: profile, masterKeyAndSalt: keys.localMasterKeyAndSalt, direction: .outbound)
            profileName = profile == .aeadAES128GCM ? "AEAD_AES_128_GCM" : "AES_CM_128_HMAC_SHA1_80"
            connectedAt = load_monotonic_ns()
        }
    }

    /// Sends everything queued with one sendmmsg (the kernel may refuse some: counted, dropped).
    func flush(_ buffers: SendBuffers) {
        let count = transmit.count
        guard count > 0 else { return }
        for i in 0..<count {
            buffers.lengths[i] = Int32(transmit.length(i))
            let destination = transmit.destination(i)
            buffers.addresses[i] = destination.ipv4
            buffers.ports[i] = destination.port
        }
        let sent = load_send_batch(fd, transmit.slotStart(0).assumingMemoryBound(to: UInt8.self), Int32(TransmitQueue.slotSize), Int32(count),
                                   buffers.lengths, buffers.addresses, buffers.ports)
        if sent < count { sendFailures += count - max(0, Int(sent)) }
        transmit.removeAll()
    }
}

/// Scratch arrays for one sendmmsg, shared by every peer (one thread).
final class SendBuffers {
    let lengths = UnsafeMutablePointer<Int32>.allocate(capacity: 1024)
    let addresses = UnsafeMutablePointer<UInt32>.allocate(capacity: 1024)
    let ports = UnsafeMutablePointer<UInt16>.allocate(capacity: 1024)
}

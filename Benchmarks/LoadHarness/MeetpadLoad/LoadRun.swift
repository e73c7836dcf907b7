import CLoadSupport
import Foundation
import ICE
import Primitives
import SRTP

/// One run: builds the peers of a `LoadPlan`, signals them to the SFU, then drives every socket
/// from one thread (ppoll → recvmmsg → sans-IO peers → sendmmsg) through the phases connect →
/// warm-up → measure → drain, and measures the SFU process over the measured window only.
final class LoadRun {
    let options: LoadOptions
    let plan: LoadPlan
    let histogram = LatencyHistogram()
    let buffers = SendBuffers()
    var peers: [LoadPeer] = []
    var senders: [(peer: LoadPeer, sender: MediaSender)] = []
    private var janus: JanusSignaling?
    private var janusAdminHandle: Int64 = 0
    private let bindAddress: UInt32
    private let receiveSlab = UnsafeMutableRawPointer.allocate(byteCount: 64 * 2048, alignment: 16)
    private let receiveLengths = UnsafeMutablePointer<Int32>.allocate(capacity: 64)
    private let receiveAddresses = UnsafeMutablePointer<UInt32>.allocate(capacity: 64)
    private let receivePorts = UnsafeMutablePointer<UInt16>.allocate(capacity: 64)
    private let receiveTimes = UnsafeMutablePointer<Int64>.allocate(capacity: 64)
    private var connectSeconds = 0.0

    init(options: LoadOptions) throws(LoadError) {
        self.options = options
        plan = LoadPlan(options)
        guard let bind = PeerAddress(host: options.bindHost, port: 0), bind.family == .ipv4 else {
            throw .usage("--bind must be an IPv4 address, got \(options.bindHost)")
        }
        guard bind.isLoopback, PeerAddress(host: options.host, port: 0)?.isLoopback == true else {
            throw .usage("--bind and --host must be loopback (127.0.0.0/8): benchmark traffic never leaves the machine")
        }
        bindAddress = bind.ipv4
    }

    deinit { load_waiter_close(waiter) }

    static func now() -> Instant { Instant(nanoseconds: UInt64(load_monotonic_ns())) }

    // MARK: setup

    /// Creates sockets, peers and senders for every participant.
    func build() throws(LoadError) {
        let clips = try (0..<4).map { (voice: Int) throws(LoadError) -> OpusClip in try OpusClip(kbps: options.audioKbps, voice: voice) }
        let payloadTypes = MediaSender.PayloadTypes(audio: 111, video: options.sfu == .janus ? 96 : 100)
        var silenceLedgers: [UInt32: SilenceLedger] = [:]
        var senderCount = 0
        for p in plan.participants {
            let sender = p.sends
                ? MediaSender(participant: p.index, phase: SenderPhase.fraction(ofSender: senderCount), ssrcBase: UInt32(0x1000_0000 + p.index * 100), options: options, clip: clips[p.index % clips.count],
                              payloadTypes: payloadTypes, sendsVideo: p.sendsVideo, bursty: options.scenario == .s3)
                : nil
            if p.sends { senderCount += 1 }
            // Per-stream accounting grows with the plan for every receiver; header counting
            // keeps totals only.
            let stats = p.receives ? ReceiveStats(streams: options.decryptSample > 0 ? 0 : plan.streamCount) : nil
            // Only our bridge drops silence (as JVB); Janus and the floor owe every audio packet.
            if let sender, options.sfu == .meetpad { silenceLedgers[sender.audioSSRC] = sender.silenceLedger }
            let tie = UInt64(p.index + 1) &* 0x9E37_79B9
            switch options.sfu {
            case .meetpad, .floor:
                let peer = try LoadPeer(name: "p\(p.index)", bind: bindAddress, iceRole: options.sfu == .floor ? nil : .controlled,
                                        conference: p.conference, participant: p.index, tieBreaker: tie)
                peer.sender = sender
                peer.received = stats
                peers.append(peer)
                if let sender { senders.append((peer, sender)) }
            case .janus:
                if let sender {
                    let peer = try LoadPeer(name: "pub\(p.index)", bind: bindAddress, iceRole: .controlling, conference: p.conference,
                                            participant: p.index, tieBreaker: tie)
                    peer.sender = sender
                    peers.append(peer)
                    senders.append((peer, sender))
                }
                if let stats {
                    let peer = try LoadPeer(name: "sub\(p.index)", bind: bindAddress, iceRole: .controlled, conference: p.conference,
                                            participant: p.index, tieBreaker: tie ^ 0xFFFF)
                    peer.received = stats
                    peers.append(peer)
                }
            }
        }
        if options.decryptSample > 0 {
            for peer in peers where peer.received != nil {
                peer.tally = HeaderTally(silenceLedgers: silenceLedgers)
                peer.decryptEvery = options.decryptSample
            }
        }
    }

    /// Signals every peer to the SFU, servicing the sockets between requests.
    func signal() throws(LoadError) {
        let http = HTTPClient(host: PeerAddress(host: options.host, port: 0)?.ipv4 ?? 0x7F00_0001, port: options.httpPort)
        switch options.sfu {
        case .meetpad:
            let colibri = ColibriSignaling(http: http)
            var created = Set<Int>()
            for peer in peers {
                let endpointID = String(0x1000_0000 + peer.participant, radix: 16)
                let conference = options.firstConference + peer.conference
                try colibri.join(peer, endpointID: endpointID, conference: conference, create: created.insert(conference).inserted, now: Self.now())
                pumpAfterSignalling()
            }
        case .janus:
            let janus = JanusSignaling(http: http)
            self.janus = janus
            try janus.createSession()
            janusAdminHandle = try janus.attach()
            for conference in 0..<plan.conferences {
                let room = Self.janusRoom(options.firstConference + conference)
                try janus.createRoom(room, publishers: plan.participants.count + 1, handle: janusAdminHandle)
                var feeds: [(participant: Int, feed: Int64)] = []
                for (peer, sender) in senders where peer.conference == conference {
                    feeds.append((peer.participant, try janus.publish(peer, sender: sender, room: room, now: Self.now)))
                    pumpAfterSignalling()
                }
                // Janus refuses subscriptions to a feed whose PeerConnection is not up yet.
                let publishers = senders.map(\.peer).filter { $0.conference == conference }
                let deadline = load_monotonic_ns() + Int64(options.connectTimeoutSeconds * 1e9)
                while !publishers.allSatisfy(\.isReady) {
                    guard load_monotonic_ns() < deadline, load_stop_requested() == 0 else {
                        throw .signaling("janus publishers of room \(room) not connected")
                    }
                    pump(timeout: 5_000_000)
                }
                let settle = load_monotonic_ns() + 200_000_000
                while load_monotonic_ns() < settle { pump(timeout: 5_000_000) }
                for peer in peers where peer.conference == conference && peer.received != nil {
                    let others = feeds.filter { $0.participant != peer.participant }.map(\.feed)
                    guard !others.isEmpty else { continue }
                    try janus.subscribe(peer, feeds: others, room: room, now: Self.now)
                    pumpAfterSignalling()
                }
            }
        case .floor:
            let floor = PeerAddress(ipv4: PeerAddress(host: options.host, port: 0)?.ipv4 ?? 0x7F00_0001, port: options.floorPort)
            let profile: SRTPProfile = options.floorProfile == "cm" ? .aes128CMHMACSHA1_80 : .aeadAES128GCM
            for peer in peers {
                try peer.connectFixedKeys(to: floor, profile: profile)
                // "RCV!" and the port of the sender to follow: the floor forwards each sender to
                // its own group's receivers.
                if peer.received != nil, let followed = senders.first(where: { $0.peer.conference == peer.conference })?.peer.localAddress.port {
                    let hello: [UInt8] = Array("RCV!".utf8) + [UInt8(followed >> 8), UInt8(followed & 0xFF)]
                    hello.withUnsafeBytes { _ = peer.transmit.append(copying: $0, to: floor) }
                    peer.flush(buffers)
                }
            }
        }
    }

    static func janusRoom(_ conference: Int) -> Int { 7000 + conference }

    /// Tells the SFU the meeting is over (expire conferences / destroy rooms and session).
    func teardown() {
        switch options.sfu {
        case .meetpad:
            let colibri = ColibriSignaling(http: HTTPClient(host: PeerAddress(host: options.host, port: 0)?.ipv4 ?? 0x7F00_0001, port: options.httpPort,
                                                            timeoutMilliseconds: 3000))
            for conference in 0..<plan.conferences { colibri.expire(conference: options.firstConference + conference) }
        case .janus:
            guard let janus else { return }
            for conference in 0..<plan.conferences { janus.destroyRoom(Self.janusRoom(options.firstConference + conference), handle: janusAdminHandle) }
            janus.destroySession()
        case .floor:
            break
        }
    }

    // MARK: the loop

    private var waiter: Int32 = -1
    private var waitedPeers = 0
    private var ready: [UInt8] = []
    private var lastRead: Int64 = 0
    /// With `--read-interval-us`, sends falling due within this of each other leave together.
    static let sendTickNanoseconds: Int64 = 250_000
    /// The earliest ICE/DTLS deadline of any peer as of the last scan (0: scan again). Scanning
    /// hundreds of peers on every turn of the loop cost the generator more than its packets; a
    /// deadline only moves earlier on signalling or on STUN/DTLS input, which reset this.
    private var peerDeadline: Int64 = 0

    /// Services the sockets once, with every peer's timers rescanned: signalling gave a peer its
    /// remote description, and so its first ICE deadline.
    private func pumpAfterSignalling() {
        peerDeadline = 0
        pump(timeout: 0)
    }

    /// Waits up to `timeout` ns for input, handles it, fires due timers and flushes every queue.
    /// With `--read-interval-us` it reads at most once per interval, so each recvmmsg takes a
    /// batch rather than a packet or two, and between reads it wakes for sends at most every
    /// `sendTickNanoseconds` (a packet's stamp is taken as it is built, so the wait adds no
    /// latency). 96 senders' frames and audio at their own phases fall due 7,700 times a second;
    /// waking for each took the generator past 70 % of its core at 96 groups. Four send ticks a
    /// millisecond cost the SFU what those wake-ups did (3.52 µs a packet at 96 groups, both),
    /// where one a millisecond batched its input into 3.24 µs.
    func pump(timeout: Int64, measuring: Bool = false) {
        var timeout = timeout
        let interval = Int64(options.readIntervalMicroseconds) * 1000
        if interval > 0 {
            let untilRead = lastRead + interval - load_monotonic_ns()
            if untilRead > 0 {
                let pause = min(untilRead, max(timeout, Self.sendTickNanoseconds))
                usleep(UInt32(pause / 1000))
                if pause < untilRead {
                    serviceTimers(now: Self.now())
                    return
                }
            }
            timeout = 0
            lastRead = load_monotonic_ns()
        }
        if waitedPeers != peers.count || waiter < 0 {
            load_waiter_close(waiter)
            let fds = peers.map(\.fd)
            waiter = fds.withUnsafeBufferPointer { load_waiter_open($0.baseAddress, Int32($0.count)) }
            waitedPeers = peers.count
            ready = Array(repeating: 0, count: peers.count)
        }
        let readable = ready.withUnsafeMutableBufferPointer { load_waiter_wait(waiter, Int32($0.count), timeout, $0.baseAddress) }
        var now = Self.now()
        if readable > 0 {
            for (index, peer) in peers.enumerated() where ready[index] != 0 {
                for _ in 0..<16 {
                    let n = Int(load_recv_batch(peer.fd, receiveSlab.assumingMemoryBound(to: UInt8.self), 2048, 64,
                                                receiveLengths, receiveAddresses, receivePorts, receiveTimes))
                    guard n > 0 else { break }
                    now = Self.now()
                    for i in 0..<n {
                        let datagram = UnsafeMutableRawBufferPointer(start: receiveSlab + i * 2048, count: Int(receiveLengths[i]))
                        switch DatagramKind.classify(UnsafeRawBufferPointer(datagram)) {
                        case .stun, .dtls: peerDeadline = 0  // may have moved an ICE or DTLS timer
                        default: break
                        }
                        peer.handle(datagram, from: PeerAddress(ipv4: receiveAddresses[i], port: receivePorts[i]), receiveNanoseconds: receiveTimes[i],
                                    now: now, measuring: measuring, histogram: histogram)
                    }
                    if n < 64 { break }
                }
            }
        }
        serviceTimers(now: now)
    }

    /// Fires the peers' due ICE/DTLS timers, when one is due, and flushes what they queued.
    private func serviceTimers(now: Instant) {
        let nanoseconds = Int64(now.nanoseconds)
        guard nanoseconds >= peerDeadline else { return }
        // Rescanned at least every 50 ms, whatever the deadlines say.
        var earliest = nanoseconds + 50_000_000
        for peer in peers {
            if let deadline = peer.nextDeadline(now: now), deadline <= now { peer.tick(now: now) }
            if let deadline = peer.nextDeadline(now: now) { earliest = min(earliest, Int64(deadline.nanoseconds)) }
        }
        peerDeadline = earliest
        for peer in peers where peer.transmit.count > 0 { peer.flush(buffers) }
    }

    /// The measured figures of one run.
    struct Outcome {
        var aborted = false
        var failure: String?
        var before = SFUProbe.Sample()
        var after = SFUProbe.Sample()
        var idle = SFUProbe.Sample()
        var wallSeconds = 0.0
        var generatorCPUSeconds = 0.0
        var udpDrops = 0
        /// Drops on the SFU's and this process's own sockets.
        var socketDrops = 0
        var stealPercent = 0.0
        var connectSeconds = 0.0
    }

    /// Connect, warm up, measure, drain. Prints a progress line each second unless quiet.
    func run() -> Outcome {
        var outcome = Outcome()
        let probe = SFUProbe(pid: options.sfuPID)
        outcome.idle = probe.sample()
        let start = load_monotonic_ns()
        let connectDeadline = start + Int64(options.connectTimeoutSeconds * 1e9)
        var startedSenders = Set<Int>()
        var phase = "connect"
        var measureStart: Int64 = 0, measureEnd: Int64 = .max, drainEnd: Int64 = .max
        var cpuStart: Int64 = 0, dropsStart = 0, socketDropsStart = 0, stealStart = (steal: 0.0, total: 0.0)
        var lastProgress = start
        let warmup = Int64(options.warmupSeconds * 1e9), duration = Int64(options.durationSeconds * 1e9)
        while true {
            var now = load_monotonic_ns()
            if load_stop_requested() != 0, phase != "measure" { outcome.aborted = true; break }
            if phase == "connect" {
                if peers.allSatisfy(\.isReady) {
                    outcome.connectSeconds = Double(now - start) / 1e9
                    phase = "warmup"
                    measureStart = now + warmup
                    measureEnd = measureStart + duration
                    drainEnd = measureEnd + 500_000_000
                } else if now > connectDeadline {
                    let waiting = peers.filter { !$0.isReady }.map(\.name)
                    outcome.failure = "\(waiting.count) peer connections not connected after \(Int(options.connectTimeoutSeconds)) s: \(waiting.prefix(8).joined(separator: ","))"
                    break
                }
            }
            if phase == "warmup", now >= measureStart {
                phase = "measure"
                outcome.before = probe.sample()
                cpuStart = load_process_cpu_ns()
                dropsStart = SFUProbe.udpDrops()
                socketDropsStart = SFUProbe.socketDrops(of: [options.sfuPID, getpid()])
                stealStart = SFUProbe.cpuTimes()
            }
            if phase == "measure", now >= measureEnd || load_stop_requested() != 0 {
                phase = "drain"
                outcome.after = probe.sample()
                outcome.wallSeconds = Double(now - measureStart) / 1e9
                outcome.generatorCPUSeconds = Double(load_process_cpu_ns() - cpuStart) / 1e9
                outcome.udpDrops = SFUProbe.udpDrops() - dropsStart
                outcome.socketDrops = SFUProbe.socketDrops(of: [options.sfuPID, getpid()]) - socketDropsStart
                let steal = SFUProbe.cpuTimes()
                let total = steal.total - stealStart.total
                outcome.stealPercent = total > 0 ? 100 * (steal.steal - stealStart.steal) / total : 0
            }
            if phase == "drain", now >= drainEnd { break }
            if !probe.isAlive { outcome.failure = "the SFU process \(options.sfuPID) exited"; break }

            let measuring = phase == "measure"
            var nextDue = now + 5_000_000
            for (peer, sender) in senders where peer.isReady {
                if startedSenders.insert(sender.participant).inserted { sender.start(now: UInt64(now)) }
                if let outbound = peer.outbound, let destination = peer.destination {
                    sender.emit(now: UInt64(now), measured: measuring, session: outbound, destination: destination, transmit: peer.transmit)
                    // Sent before the next sender protects its frame: every packet's stamp was
                    // taken when it was built, and waiting for all senders (hundreds of SRTP
                    // protects) would count the generator's own work as SFU latency.
                    peer.flush(buffers)
                }
                nextDue = min(nextDue, Int64(sender.nextDue))
            }
            now = load_monotonic_ns()
            pump(timeout: max(0, min(nextDue, peerDeadline) - now), measuring: measuring)
            if !options.quiet, now - lastProgress >= 1_000_000_000 {
                lastProgress = now
                printProgress(phase: phase, elapsed: Double(now - start) / 1e9)
            }
        }
        if !options.quiet { FileHandle.standardError.write(Data("\n".utf8)) }
        return outcome
    }

    private func printProgress(phase: String, elapsed: Double) {
        let sent = senders.reduce(0) { $0 + $1.sender.sentTotal }
        let received = peers.reduce(0) { $0 + ($1.received?.packets ?? 0) }
        let ready = peers.filter(\.isReady).count
        let line = "\r[\(options.sfu.rawValue) \(options.scenario.rawValue)] \(phase) t=\(String(format: "%.0f", elapsed))s "
            + "connected \(ready)/\(peers.count) sent \(sent) received \(received) p99 \(String(format: "%.0f", histogram.quantileMicroseconds(0.99))) us   "
        FileHandle.standardError.write(Data(line.utf8))
    }
}

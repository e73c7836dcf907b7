import Bridge
import MediaLanes
import Primitives
import SRTP

/// One sender's packets forwarded to N receivers through the socket-free engine: SRTP
/// unprotect, RTP parse, extension rewrite, and per receiver the forwarding decision (for video,
/// the receiver's encoding or spatial layer, and temporal layer), a copy with its rewrite, and
/// SRTP protect into the transmit queue. Every peer is connected (ICE, DTLS, SRTP) and has sent its
/// `ReceiverVideoConstraints` before the measurement starts.
///
/// Each iteration: protect the sender's next packet (fresh sequence numbers, so replay
/// protection accepts it), `engine.handleDatagram`, `transmit.removeAll()`. The sender's protect
/// is part of the figure; the SRTP benchmark gives its cost alone.
///
/// With `threads` > 1 the receivers are spread over that many media threads as the bridge runs
/// them: this thread receives and decrypts, and serves its own share of the receivers while the
/// `MediaLanes` threads select, rewrite and seal for theirs (their output discards, the
/// socket-free figure). Each packet is one fan-out, which returns when every lane is done, so the
/// figure is the whole pipeline's. The warm-up runs every share on this thread, so that it can
/// check what each receiver is sent.
final class ForwardFixture {
    /// What the sender sends.
    enum Traffic {
        /// Opus with a speech-level audio-level extension (silence would be dropped after three).
        case audio
        /// One VP8 stream, 1280×720 (FID group only).
        case video
        /// Three VP8 simulcast encodings (SIM + FID groups); half the receivers rewrite SSRCs.
        case simulcast
        /// AV1 L3T3_KEY, three spatial layers on one SSRC (FID group only); receivers ask for 180p,
        /// 360p and 720p in turn, and half of them rewrite SSRCs.
        case av1SVC

        var videoEncodings: Int { self == .simulcast ? 3 : 1 }
        var rewritingReceivers: Bool { self == .simulcast || self == .av1SVC }

        /// The `maxHeight` receiver `index` asks for.
        func maxHeight(ofReceiver index: Int) -> Int {
            self == .av1SVC ? [180, 360, 720][index % 3] : 720
        }
    }

    /// The setup found the bridge forwarding something other than what the benchmark measures.
    struct NotForwarded: Error, CustomStringConvertible {
        let description: String
    }

    let simulation: ForwardSimulation
    let sender: SimulatedPeer
    let session: SRTPSession
    let buffer: UnsafeMutableRawBufferPointer
    let receivers: Int
    /// Audio: the packet sent every time (with a new sequence number).
    private let audioTemplate: [UInt8]
    /// Video: the camera whose packets are sent in turn.
    private let camera: (any CameraStream)?
    private var audioSequence: UInt16 = 1000
    private var now: Instant
    /// Simulated time between two packets: 20 ms for audio, a frame's share for video.
    private let packetInterval: UInt64
    /// Video: the camera layer each receiver is forwarded (by its `maxHeight`).
    private let expectedLayers: [Int]
    /// Receiver index by address, for the setup's checks.
    private let receiverIndex: [PeerAddress: Int]
    /// Video packets the receivers were sent per frame of the camera, once allocation settled.
    private(set) var forwardedPerFrame = 0
    /// The media threads past this one, when there are several.
    private let lanes: MediaLanes?

    deinit {
        lanes?.stop()
        buffer.deallocate()
    }

    init(receivers: Int, traffic: Traffic, threads: Int = 1) throws {
        let maxHeights = (0..<receivers).map(traffic.maxHeight(ofReceiver:))
        simulation = try ForwardSimulation.connected(
            receivers: receivers, videoEncodings: traffic.videoEncodings, rewritingReceivers: traffic.rewritingReceivers,
            maxHeights: maxHeights, mediaLanes: threads)
        if threads > 1 {
            let engine = simulation.engine
            let lanes = MediaLanes(count: threads, makeOutput: { _ in DiscardLaneOutput() }) { [unowned engine] lane, queue in
                engine.fanOut(lane: lane, transmit: queue)
            }
            guard lanes.start(namePrefix: "bench-lane") == 0 else { throw NotForwarded(description: "cannot start media lanes") }
            self.lanes = lanes
        } else {
            lanes = nil
        }
        sender = simulation.peers[0]
        guard let session = sender.outbound else { fatalError("sender not connected") }
        self.session = session
        self.receivers = receivers
        buffer = .allocate(byteCount: 2048, alignment: 16)
        now = simulation.now
        var index: [PeerAddress: Int] = [:]
        for (position, peer) in simulation.peers.enumerated().dropFirst() { index[peer.address] = position - 1 }
        receiverIndex = index
        let camera: (any CameraStream)?
        switch traffic {
        case .audio: camera = nil
        case .video: camera = VP8CameraStream.single(ssrc: sender.videoSSRCs[0])
        case .simulcast: camera = VP8CameraStream.simulcast(ssrcs: sender.videoSSRCs)
        case .av1SVC: camera = try AV1CameraStream.l3t3Key(ssrc: sender.videoSSRCs[0])
        }
        self.camera = camera
        audioTemplate = camera == nil ? Self.audioTemplate(ssrc: sender.audioSSRC) : []
        packetInterval = camera?.packetInterval ?? 20_000_000
        expectedLayers = camera.map { camera in maxHeights.map { CameraLayer.selected(from: camera.layers, maxHeight: $0) } } ?? []
    }

    /// One-byte extensions sdes:mid "a0" (id 10), audio level 42 dBov (id 1) and a transport-wide
    /// sequence number (id 5, which every receiver gets restamped with its own), 160-byte payload,
    /// payload type 111 (Opus), as a default jitsi-meet client sends audio.
    static func audioTemplate(ssrc: UInt32) -> [UInt8] {
        [0x90, 111, 0, 0, 0, 0, 0x10, 0]
            + [UInt8(truncatingIfNeeded: ssrc >> 24), UInt8(truncatingIfNeeded: ssrc >> 16),
               UInt8(truncatingIfNeeded: ssrc >> 8), UInt8(truncatingIfNeeded: ssrc)]
            + [0xBE, 0xDE, 0x00, 0x02, 0xA1, 0x61, 0x30, 0x10, 0x2A, 0x51, 0x00, 0x01]
            + [UInt8](repeating: 0xAB, count: 160)
    }

    /// Sends one packet through the engine; returns how many datagrams it queued.
    @inline(__always) func forwardOne() -> Int {
        let plainLength: Int
        if let camera {
            plainLength = camera.writeNext(into: buffer).length
        } else {
            audioTemplate.withUnsafeBytes { buffer.copyMemory(from: $0) }
            audioSequence &+= 1
            buffer[2] = UInt8(truncatingIfNeeded: audioSequence >> 8)
            buffer[3] = UInt8(truncatingIfNeeded: audioSequence)
            plainLength = audioTemplate.count
        }
        let length = (try? session.protectRTP(buffer.baseAddress!, length: plainLength, capacity: buffer.count)) ?? 0
        now = now.adding(nanoseconds: packetInterval)
        let transmit = simulation.transmit
        simulation.engine.handleDatagram(
            UnsafeMutableRawBufferPointer(rebasing: buffer[0..<length]), from: sender.address, now: now, transmit: transmit)
        simulation.engine.settleFanOut(transmit: transmit)
        let queued = transmit.count
        finishTransmit()
        return queued
    }

    /// Empties the queue (the socket-free figure sends nothing).
    @inline(__always) func finishTransmit() {
        simulation.transmit.removeAll()
    }

    // MARK: setup (outside the measurement)

    /// Brings the fixture to the steady state the benchmark measures and checks it: audio
    /// reaches every receiver; video reaches every receiver as exactly one layer (the highest its
    /// `maxHeight` allows, which fits the 2.5 Mbit/s budget) with every temporal layer. Throws
    /// otherwise, so a benchmark never measures a bridge that forwards nothing.
    func warmUp() throws {
        guard let camera else {
            // The first packets create per-stream state (SRTP streams, slots, statistics).
            for packet in 0..<100 {
                let queued = forwardOne()
                guard queued == receivers else {
                    throw NotForwarded(description: "audio packet \(packet) went to \(queued) of \(receivers) receivers")
                }
            }
            startLanes()
            return
        }
        // 1.5 s of video with the engine's timers: the first packets allocate on measured-nothing
        // (base layer only); the allocation a second later sees every temporal layer's rate.
        var received = [Int](repeating: 0, count: receivers)
        let settleFrames = 45
        for _ in 0..<(settleFrames * camera.packetsPerFrame) {
            sendCounting(into: &received)
            if let deadline = simulation.engine.nextDeadline(), deadline <= now {
                simulation.engine.handleTimeout(now: now, transmit: simulation.transmit)
                finishTransmit()
                simulation.drainEvents()
            }
        }
        if let starved = received.firstIndex(of: 0) {
            throw NotForwarded(description: "receiver \(starved) got no video in \(settleFrames) frames: \(received)")
        }
        // Steady state: per packet, exactly the receivers of its layer, every frame.
        var perReceiver = [Int](repeating: 0, count: receivers)
        for frame in 0..<12 {
            for _ in 0..<camera.packetsPerFrame {
                var got = [Int](repeating: 0, count: receivers)
                let layer = sendCounting(into: &got)
                let wanted = expectedLayers.map { $0 == layer ? 1 : 0 }
                guard got == wanted else {
                    throw NotForwarded(description:
                        "frame \(frame): a packet of layer \(layer) reached receivers \(got), expected \(wanted) (layers wanted: \(expectedLayers))")
                }
                for index in got.indices { perReceiver[index] += got[index] }
            }
        }
        forwardedPerFrame = perReceiver.reduce(0, +) / 12
        let expected = expectedLayers.reduce(0) { $0 + camera.layers[$1].packetsPerFrame }
        guard camera.isAtFrameStart, forwardedPerFrame == expected else {
            throw NotForwarded(description: "forwarded \(forwardedPerFrame) packets per frame, expected \(expected)")
        }
        startLanes()
    }

    /// From now on each lane serves its share on its own thread.
    private func startLanes() {
        guard let lanes else { return }
        simulation.engine.fanOutRunner = { [lanes] queue, copies in lanes.run(sharing: queue, copies: copies) }
    }

    /// Sends the camera's next packet and adds the RTP datagrams each receiver was queued to
    /// `counts`; returns the packet's layer.
    @discardableResult
    private func sendCounting(into counts: inout [Int]) -> Int {
        guard let camera else { return 0 }
        let (plainLength, layer) = camera.writeNext(into: buffer)
        let length = (try? session.protectRTP(buffer.baseAddress!, length: plainLength, capacity: buffer.count)) ?? 0
        now = now.adding(nanoseconds: packetInterval)
        let transmit = simulation.transmit
        simulation.engine.handleDatagram(
            UnsafeMutableRawBufferPointer(rebasing: buffer[0..<length]), from: sender.address, now: now, transmit: transmit)
        simulation.engine.settleFanOut(transmit: transmit)
        for i in 0..<transmit.count {
            guard let receiver = receiverIndex[transmit.destination(i)], DatagramKind.classify(transmit.datagram(i)) == .rtp else { continue }
            counts[receiver] += 1
        }
        finishTransmit()
        simulation.drainEvents()
        return layer
    }
}

/// A lane output that sends nothing: the socket-free benchmark measures sealing, not the kernel.
final class DiscardLaneOutput: LaneOutput {
    let batchCapacity = 64
    func prepare(_ index: Int, bytes: UnsafeRawPointer, length: Int, to destination: PeerAddress) {}
    func flush(count: Int) -> LaneSendResult { LaneSendResult() }
}

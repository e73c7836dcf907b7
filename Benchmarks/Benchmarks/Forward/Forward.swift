import Benchmark
import Bridge
import Primitives
import SRTP

/// One sender's packet forwarded to N receivers through the socket-free engine: SRTP
/// unprotect, RTP parse, extension rewrite, and per receiver a copy plus SRTP protect into the
/// transmit queue. Every peer is connected (ICE, DTLS, SRTP) before the measurement starts.
///
/// Each iteration: protect one packet as the sender (a fresh sequence number, so replay
/// protection accepts it), `engine.handleDatagram`, `transmit.removeAll()`. The sender's protect
/// is part of the figure; the SRTP benchmark gives its cost alone.
final class ForwardFixture {
    let simulation: ForwardSimulation
    let sender: SimulatedPeer
    let session: SRTPSession
    let bridge: PeerAddress
    let buffer: UnsafeMutableRawBufferPointer
    var sequence: UInt16 = 1000
    var now: Instant

    /// One-byte extensions sdes:mid "a0" (id 10) and audio level (id 1), 160-byte payload: what
    /// SimulatedPeer.sendRTP sends in the engine tests. Payload type 111 is Opus, 100 is VP8.
    static func template(ssrc: UInt32, payloadType: UInt8) -> [UInt8] {
        [0x90, payloadType, 0, 0, 0, 0, 0x10, 0]
            + [UInt8(truncatingIfNeeded: ssrc >> 24), UInt8(truncatingIfNeeded: ssrc >> 16),
               UInt8(truncatingIfNeeded: ssrc >> 8), UInt8(truncatingIfNeeded: ssrc)]
            + [0xBE, 0xDE, 0x00, 0x02, 0xA1, 0x61, 0x30, 0x10, 0x7F, 0x00, 0x00, 0x00]
            + [UInt8](repeating: 0xAB, count: 160)
    }

    let plain: [UInt8]

    struct NotForwarded: Error {}

    deinit { buffer.deallocate() }

    init(receivers: Int, video: Bool) throws {
        simulation = try ForwardSimulation.connected(receivers: receivers)
        sender = simulation.peers[0]
        guard let session = sender.outbound, let bridge = sender.bridgeAddress else { fatalError("sender not connected") }
        self.session = session
        self.bridge = bridge
        buffer = .allocate(byteCount: 2048, alignment: 16)
        plain = video ? Self.template(ssrc: sender.videoSSRC, payloadType: 100) : Self.template(ssrc: sender.audioSSRC, payloadType: 111)
        now = simulation.now
    }

    /// Sends one packet through the engine; returns how many datagrams it queued.
    @inline(__always) func forwardOne() -> Int {
        plain.withUnsafeBytes { buffer.copyMemory(from: $0) }
        sequence &+= 1
        buffer[2] = UInt8(truncatingIfNeeded: sequence >> 8)
        buffer[3] = UInt8(truncatingIfNeeded: sequence)
        let length = (try? session.protectRTP(buffer.baseAddress!, length: plain.count, capacity: buffer.count)) ?? 0
        now = now.adding(nanoseconds: 20_000)
        let transmit = simulation.transmit
        simulation.engine.handleDatagram(
            UnsafeMutableRawBufferPointer(rebasing: buffer[0..<length]), from: sender.address, now: now, transmit: transmit)
        let queued = transmit.count
        transmit.removeAll()
        return queued
    }
}

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.throughput, .wallClock, .mallocCountTotal],
        scalingFactor: .kilo,
        maxDuration: .seconds(2),
        thresholds: [.mallocCountTotal: .init(absolute: BenchmarkThresholds.Absolute.strict)]
    )

    // Audio to 1, 10 and 50 receivers; video (which also fills the NACK cache) to 10.
    for (receivers, video) in [(1, false), (10, false), (50, false), (10, true)] {
        Benchmark("forward_\(video ? "video" : "audio")_1_to_\(receivers)") { (benchmark: Benchmark, fixture: ForwardFixture) in
            benchmark.startMeasurement()
            for _ in benchmark.scaledIterations {
                blackHole(fixture.forwardOne())
            }
            benchmark.stopMeasurement()
            fixture.simulation.drainEvents()
        } setup: {
            let fixture = try ForwardFixture(receivers: receivers, video: video)
            // Warm up outside the measurement: the first packets create per-stream state.
            for _ in 0..<100 where fixture.forwardOne() != receivers {
                throw ForwardFixture.NotForwarded()
            }
            return fixture
        }
    }
}

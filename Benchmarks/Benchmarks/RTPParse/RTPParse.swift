import Benchmark
import RTP

/// An audio packet as browsers send it: RFC 8285 one-byte extensions sdes:mid "a0" (id 10) and
/// ssrc-audio-level (id 1), then 160 bytes of payload.
let audioPacket: [UInt8] =
    [0x90, 111, 0x12, 0x34, 0, 0, 0x10, 0, 0x00, 0x00, 0x07, 0xD1]
    + [0xBE, 0xDE, 0x00, 0x02, 0xA1, 0x61, 0x30, 0x10, 0x7F, 0x00, 0x00, 0x00]
    + [UInt8](repeating: 0xAB, count: 160)

/// Parse, then strip the sender's MID as the forwarder does (keeps the audio level), in place.
/// `retainExtensions` rewrites the packet, so each iteration starts from a fresh copy of it;
/// the copy goes into memory allocated once, outside the measurement.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.throughput, .wallClock, .mallocCountTotal],
        scalingFactor: .kilo,
        maxDuration: .seconds(2),
        thresholds: [.mallocCountTotal: .init(absolute: BenchmarkThresholds.Absolute.strict)]
    )

    Benchmark("parse_retainExtensions") { benchmark in
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 2048, alignment: 16)
        defer { buffer.deallocate() }
        let keep: RTPExtensionIDSet = [1]
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            audioPacket.withUnsafeBytes { buffer.copyMemory(from: $0) }
            let packet = UnsafeMutableRawBufferPointer(rebasing: buffer[0..<audioPacket.count])
            guard var header = try? RTPHeaderView(parsing: UnsafeRawBufferPointer(packet)) else { fatalError("parse") }
            blackHole((try? header.retainExtensions(keep, in: packet)) ?? 0)
            blackHole(header.sequenceNumber)
        }
        benchmark.stopMeasurement()
    }
}

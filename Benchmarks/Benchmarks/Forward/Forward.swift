import Benchmark

/// One sender's packet through the socket-free engine to N receivers (`ForwardFixture`).
///
/// Every benchmark runs 1000 packets per sample (`scalingFactor: .kilo`), so its malloc count is
/// per 1000 packets the sender sends. For `forward_simulcast_1_to_10` that is 100 frames of 10
/// packets (1 + 2 + 7 over the three encodings), of which each receiver is forwarded the 700 of
/// the 720p encoding: 7000 forwarded packets per sample. For `forward_av1_svc_1_to_10` it is 100
/// temporal units of 10 packets (2 + 3 + 5 over the three spatial layers); of the receivers, 4 ask
/// for 180p, 3 for 360p and 3 for 720p, so each unit is forwarded 4·2 + 3·3 + 3·5 = 32 times: 3200
/// forwarded packets per sample.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.throughput, .wallClock, .mallocCountTotal],
        scalingFactor: .kilo,
        maxDuration: .seconds(2),
        thresholds: [.mallocCountTotal: .init(absolute: BenchmarkThresholds.Absolute.strict)]
    )

    // Audio to 1, 10 and 50 receivers; one VP8 stream (which also fills the NACK cache) to 10;
    // VP8 simulcast to 10, each receiver forwarded one encoding, half of them rewriting SSRCs;
    // AV1 L3T3_KEY to 10, each receiver forwarded the spatial layer of its maxHeight, half rewriting.
    // VP8 to 50 on one and on two media threads (`ForwardFixture`): the ratio of their
    // throughputs is what a second core gives the engine without sockets.
    let cases: [(name: String, receivers: Int, traffic: ForwardFixture.Traffic, threads: Int)] = [
        ("forward_audio_1_to_1", 1, .audio, 1),
        ("forward_audio_1_to_10", 10, .audio, 1),
        ("forward_audio_1_to_50", 50, .audio, 1),
        ("forward_video_1_to_10", 10, .video, 1),
        ("forward_simulcast_1_to_10", 10, .simulcast, 1),
        ("forward_av1_svc_1_to_10", 10, .av1SVC, 1),
        ("forward_video_1_to_50_threads_1", 50, .video, 1),
        ("forward_video_1_to_50_threads_2", 50, .video, 2),
    ]
    for (name, receivers, traffic, threads) in cases {
        Benchmark(name) { (benchmark: Benchmark, fixture: ForwardFixture) in
            benchmark.startMeasurement()
            for _ in benchmark.scaledIterations {
                blackHole(fixture.forwardOne())
            }
            benchmark.stopMeasurement()
            fixture.simulation.drainEvents()
        } setup: {
            let fixture = try ForwardFixture(receivers: receivers, traffic: traffic, threads: threads)
            try fixture.warmUp()
            return fixture
        }
    }
}

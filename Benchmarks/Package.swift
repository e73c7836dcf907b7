// swift-tools-version:6.1
import PackageDescription

// Micro-benchmarks (ordo-one/benchmark) for the per-packet paths: RTP parse, SRTP protect and
// unprotect, and one packet forwarded to N receivers through the socket-free engine. The checked-in
// thresholds in Thresholds/ hold malloc counts only; timings are printed, never checked.
//
// Run from the repository root with MEETPAD_CORE_ONLY=1 so the root package drops its NIO and
// Hummingbird shells: `make bench-alloc` (allocation check) or
// `MEETPAD_CORE_ONLY=1 swift package --package-path Benchmarks benchmark` (all metrics).
// The load harness in LoadHarness/ is built by the root package (products meetpad-load and
// meetpad-floor), in the same build as the bridge.

let strict: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

// Target names carry a suffix: a target called `SRTP` would clash with the root module `SRTP`.
func benchmarkTarget(_ folder: String, _ dependencies: [Target.Dependency]) -> Target {
    .executableTarget(
        name: "\(folder)Benchmarks",
        dependencies: [.product(name: "Benchmark", package: "benchmark")] + dependencies,
        path: "Benchmarks/\(folder)",
        swiftSettings: strict,
        plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
    )
}

let package = Package(
    name: "meetpad-benchmarks",
    dependencies: [
        // Named, because a path dependency is otherwise known by its folder name (a clone can have any).
        .package(name: "meetpad-bridge", path: ".."),
        // The interposer trait counts mallocs; the Swift 6.3 runtime interposer (ARC counts) is off.
        .package(url: "https://github.com/ordo-one/benchmark.git", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        benchmarkTarget("RTPParse", [.product(name: "MediaProtocols", package: "meetpad-bridge")]),
        benchmarkTarget("SRTP", [.product(name: "MediaProtocols", package: "meetpad-bridge")]),
        benchmarkTarget(
            "Forward",
            [
                .product(name: "MediaProtocols", package: "meetpad-bridge"),
                .product(name: "BridgeCore", package: "meetpad-bridge"),
            ]
        ),
    ]
)

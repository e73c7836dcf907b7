// swift-tools-version:6.1
import PackageDescription

// libFuzzer targets for the bridge's parsers and its whole sans-IO engine (style.md §B6).
// Build only with the fuzzer and address sanitizers; `scripts/fuzz.sh` does both:
//
//   MEETPAD_CORE_ONLY=1 swift build -c debug --sanitize=fuzzer --sanitize=address \
//       -Xswiftc -sanitize=fuzzer,address
//
// The `-Xswiftc` is not redundant: the 6.3.1 driver keeps only the last `-sanitize=`, so
// without it Swift code gets ASan but no coverage counters (see README.md).
//
// `-parse-as-library` because libFuzzer supplies `main`; each target only defines
// `LLVMFuzzerTestOneInput`. A plain `swift build` here fails to link for the same reason.

let strict: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .unsafeFlags(["-parse-as-library"]),
]

// A path dependency's identity is its directory's name (`main`, a worktree's name, a CI
// checkout's name), not the manifest's `name`, so derive it rather than spell it.
let root = Context.packageDirectory.split(separator: "/").dropLast().last.map(String.init)?.lowercased() ?? "meetpad-bridge"
let core: Target.Dependency = .product(name: "BridgeCore", package: root)
let protocols: Target.Dependency = .product(name: "MediaProtocols", package: root)

let package = Package(
    name: "meetpad-bridge-fuzz",
    dependencies: [.package(path: "..")],
    targets: [
        .executableTarget(name: "FuzzSTUN", dependencies: [protocols], swiftSettings: strict),
        .executableTarget(name: "FuzzRTP", dependencies: [protocols], swiftSettings: strict),
        .executableTarget(name: "FuzzRTCP", dependencies: [protocols], swiftSettings: strict),
        .executableTarget(name: "FuzzSRTP", dependencies: [protocols], swiftSettings: strict),
        .executableTarget(name: "FuzzVP8", dependencies: [protocols], swiftSettings: strict),
        .executableTarget(name: "FuzzVP9", dependencies: [protocols], swiftSettings: strict),
        .executableTarget(name: "FuzzH264", dependencies: [protocols], swiftSettings: strict),
        .executableTarget(name: "FuzzAV1DependencyDescriptor", dependencies: [protocols], swiftSettings: strict),
        .executableTarget(name: "FuzzColibriXML", dependencies: [core], swiftSettings: strict),
        .executableTarget(name: "FuzzBridgeChannel", dependencies: [core], swiftSettings: strict),
        .executableTarget(name: "FuzzEngine", dependencies: [core, protocols], swiftSettings: strict),
    ]
)

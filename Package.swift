// swift-tools-version:6.1
import PackageDescription

// One strict settings array for every Swift target: `any` is spelled out (so existentials on the
// hot path stand out), imports are internal unless marked public (C libraries never leak into a
// module's API), and members come only from modules a file imports itself.
let strict: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

// Linker flags that keep the idle bridge's resident memory down (docs/idle-memory.md): lld packs
// the binary's relative relocations into DT_RELR (glibc 2.36+, Debian 12), so the dynamic loader
// no longer reads a megabyte of .rela.dyn at start, and no symbol is exported: the static Swift
// runtime (the image's --static-swift-stdlib) asks for -export-dynamic, which puts 31,000 symbols
// in .dynsym that every shared library's symbol lookups then page in.
let residentMemoryLinkerFlags = [
    "-use-ld=lld", "-Xlinker", "-z", "-Xlinker", "pack-relative-relocs", "-Xlinker", "--no-export-dynamic",
]

let package = Package(
    name: "meetpad-bridge",
    products: [
        .executable(name: "meetpad-bridge", targets: ["MeetpadBridge"]),
        // The load harness in Benchmarks/ acts as a WebRTC client with the same protocol code.
        .library(name: "MediaProtocols", targets: ["Primitives", "RTP", "ICE", "DTLS", "SRTP", "CongestionControl"]),
        .library(name: "BridgeCore", targets: ["XMLStream", "Colibri", "Bridge", "MediaLanes"]),
        // The load harness (Benchmarks/LOAD.md): its sources live under Benchmarks/LoadHarness, but
        // it is built here so `make bench` compiles only its own files on top of the bridge's build.
        .executable(name: "meetpad-load", targets: ["MeetpadLoad"]),
        // The floor: recvmmsg -> one SRTP unprotect -> N x (copy + protect) -> sendmmsg, in C, on
        // libsrtp2 or on OpenSSL's AES-GCM.
        .executable(name: "meetpad-floor", targets: ["MeetpadFloor"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.0"),
        // No default traits: "FullFoundation" makes every Hummingbird module import all of Foundation
        // (libFoundation and its ICU, about 8 MB of idle resident memory, for URL-encoded-form dates
        // we never use), "ConfigurationSupport" builds swift-configuration for a reader we do not use.
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.0", traits: []),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.0"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.0"),
    ],
    targets: [
        // C libraries: one wrapper module each (module.modulemap + shim.h in the folder).
        .systemLibrary(name: "COpenSSL", pkgConfig: "openssl", providers: [.apt(["libssl-dev"])]),
        .systemLibrary(name: "CSRTP", pkgConfig: "libsrtp2", providers: [.apt(["libsrtp2-dev"])]),
        // libnice's STUN library alone, static, from Debian's libnice source: Debian's
        // libnice.so.10 would load GLib, GnuTLS, gupnp-igd and 37 more (scripts/install-nice-stun.sh).
        .systemLibrary(name: "CNice", pkgConfig: "nice-stun"),
        .systemLibrary(name: "CExpat", pkgConfig: "expat", providers: [.apt(["libexpat1-dev"])]),
        .systemLibrary(name: "CUsrsctp", providers: [.apt(["libusrsctp-dev"])]),
        // Wrappers for OpenSSL's function-like macros, which Swift cannot import.
        .target(name: "COpenSSLShims", dependencies: ["COpenSSL"]),
        // recvmmsg/sendmmsg and poll for the media port.
        .target(name: "CMediaSocket"),

        // Sans-IO protocol layers: bytes and time in, actions out. No sockets, clocks or threads.
        .target(name: "Primitives", swiftSettings: strict),
        .target(name: "RTP", dependencies: ["Primitives"], swiftSettings: strict),
        .target(name: "ICE", dependencies: ["Primitives", "CNice"], swiftSettings: strict),
        .target(name: "DTLS", dependencies: ["Primitives", "COpenSSL", "COpenSSLShims"], swiftSettings: strict),
        .target(name: "SRTP", dependencies: ["Primitives", "CSRTP", "COpenSSL", "COpenSSLShims"], swiftSettings: strict),
        // Per-receiver bandwidth estimation from transport-cc feedback (GoogCC-style).
        .target(name: "CongestionControl", dependencies: ["Primitives"], swiftSettings: strict),
        .target(name: "XMLStream", dependencies: ["CExpat"], swiftSettings: strict),
        .target(name: "Colibri", dependencies: ["XMLStream", "Primitives"], swiftSettings: strict),
        .target(name: "XMPP", dependencies: ["XMLStream", "Primitives", "COpenSSL"], swiftSettings: strict),
        // usrsctp keeps process-global state, so this module owns the one thread that may call it.
        .target(name: "SCTP", dependencies: ["CUsrsctp"], swiftSettings: strict),
        .target(
            name: "Bridge",
            dependencies: ["Primitives", "RTP", "ICE", "DTLS", "SRTP", "Colibri", "CongestionControl"],
            swiftSettings: strict
        ),

        // Shells and the executable.
        // Media threads past the first: lock-free rings, sealing and sending for their receivers.
        .target(name: "MediaLanes", dependencies: ["Primitives"], swiftSettings: strict),
        .target(
            name: "BridgeServer",
            dependencies: [
                "Bridge", "Colibri", "SCTP", "SRTP", "XMPP", "CMediaSocket", "XMLStream", "Primitives", "MediaLanes",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOTLS", package: "swift-nio"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "MeetpadBridge",
            dependencies: [
                "BridgeServer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict,
            linkerSettings: [.unsafeFlags(residentMemoryLinkerFlags)]
        ),

        // Tests: one target per module.
        // sendmmsg/recvmmsg with kernel timestamps, clocks, CPU pinning and libopus (variadic ctl calls).
        .target(
            name: "CLoadSupport", path: "Benchmarks/LoadHarness/CLoadSupport", linkerSettings: [.linkedLibrary("opus")]
        ),
        .executableTarget(
            name: "MeetpadLoad",
            dependencies: ["CLoadSupport", "Primitives", "ICE", "DTLS", "SRTP", "XMLStream"],
            path: "Benchmarks/LoadHarness/MeetpadLoad",
            swiftSettings: strict
        ),
        .executableTarget(
            name: "MeetpadFloor", dependencies: ["CMediaSocket"], path: "Benchmarks/LoadHarness/MeetpadFloor",
            linkerSettings: [.linkedLibrary("srtp2"), .linkedLibrary("crypto")]
        ),

        .testTarget(name: "PrimitivesTests", dependencies: ["Primitives"], swiftSettings: strict),
        // Dependency-descriptor structures and an encoder's frame pattern, shared by RTP and Bridge tests.
        .target(name: "AV1TestSupport", dependencies: ["RTP"], path: "Tests/AV1TestSupport", swiftSettings: strict),
        .testTarget(name: "RTPTests", dependencies: ["RTP", "Primitives", "AV1TestSupport"], swiftSettings: strict),
        // The test binary's own malloc, counting per thread (ICESteadyStateTests).
        .target(name: "CMallocCounter", path: "Tests/CMallocCounter"),
        .testTarget(name: "ICETests", dependencies: ["ICE", "Primitives", "CMallocCounter"], swiftSettings: strict),
        .testTarget(name: "DTLSTests", dependencies: ["DTLS", "SRTP", "Primitives"], swiftSettings: strict),
        .testTarget(
            name: "SRTPTests", dependencies: ["SRTP", "Primitives", "COpenSSLShims"],
            exclude: ["Vectors/generate_vectors.py"], swiftSettings: strict),
        .testTarget(
            name: "CongestionControlTests", dependencies: ["CongestionControl", "Primitives"], swiftSettings: strict),
        .testTarget(name: "SCTPTests", dependencies: ["SCTP"], swiftSettings: strict),
        .testTarget(name: "LoadSupportTests", dependencies: ["CLoadSupport", "MeetpadLoad"], swiftSettings: strict),
        .testTarget(name: "XMLStreamTests", dependencies: ["XMLStream"], swiftSettings: strict),
        .testTarget(name: "ColibriTests", dependencies: ["Colibri", "XMLStream"], swiftSettings: strict),
        .testTarget(name: "XMPPTests", dependencies: ["XMPP", "XMLStream", "Primitives"], swiftSettings: strict),
        .testTarget(
            name: "BridgeTests",
            dependencies: ["Bridge", "RTP", "ICE", "DTLS", "SRTP", "Colibri", "Primitives", "AV1TestSupport", "MediaLanes"],
            swiftSettings: strict
        ),
        .testTarget(name: "MediaLanesTests", dependencies: ["MediaLanes", "Primitives"], swiftSettings: strict),
        .testTarget(
            name: "BridgeServerTests",
            dependencies: [
                "BridgeServer", "Bridge", "MediaLanes", "XMPP", "XMLStream", "Primitives",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ],
            swiftSettings: strict
        ),
    ]
)

// `MEETPAD_CORE_ONLY=1 swift test` builds and tests the protocol layers and the engine alone,
// without NIO and Hummingbird: a quick loop while working below the shells.
if Context.environment["MEETPAD_CORE_ONLY"] == "1" {
    let shells: Set<String> = ["BridgeServer", "MeetpadBridge", "BridgeServerTests", "SCTP", "SCTPTests"]
    package.targets.removeAll { shells.contains($0.name) }
    package.products.removeAll { $0.name == "meetpad-bridge" }
    package.dependencies = []
}

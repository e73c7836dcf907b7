import Benchmark
import SRTP

/// A 12-byte RTP header and 160 bytes of payload: an Opus frame's size.
let plainPacket: [UInt8] = [0x80, 111, 0, 0, 0, 0, 0x10, 0, 0x00, 0x00, 0x07, 0xD1] + [UInt8](repeating: 0xAB, count: 160)

/// Writes `sequence` into the RTP header at `packet`; SRTP replay protection rejects repeats.
@inline(__always) func stamp(_ packet: UnsafeMutableRawBufferPointer, sequence: UInt16) {
    packet[2] = UInt8(truncatingIfNeeded: sequence >> 8)
    packet[3] = UInt8(truncatingIfNeeded: sequence)
}

/// Master key and salt of the profile's sizes (16 + 14 for AES-CM, 16 + 12 for GCM); the values
/// do not matter, only that both sides share them.
func keyMaterial(_ profile: SRTPProfile) -> [UInt8] {
    (0..<(profile.masterKeyLength + profile.masterSaltLength)).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ 3) }
}

func profileName(_ profile: SRTPProfile) -> String {
    switch profile {
    case .aeadAES128GCM: "AEAD_AES_128_GCM"
    case .aes128CMHMACSHA1_80: "AES_CM_128_HMAC_SHA1_80"
    }
}

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.throughput, .wallClock, .mallocCountTotal],
        scalingFactor: .kilo,
        maxDuration: .seconds(2),
        thresholds: [.mallocCountTotal: .init(absolute: BenchmarkThresholds.Absolute.strict)]
    )

    // The default backend under the plain names; libsrtp2, the reference, with a prefix.
    for backend in SRTPBackend.allCases {
        let prefix = backend == .openSSL ? "" : "\(backend.rawValue)_"
        for profile in [SRTPProfile.aeadAES128GCM, .aes128CMHMACSHA1_80] {
            // Protect alone: a fresh sequence number every packet.
            Benchmark("\(prefix)protect_\(profileName(profile))") { benchmark in
                measure(benchmark, profile: profile, backend: backend, unprotecting: false)
            }
            // Protect then unprotect: only the pair can be measured, since unprotect needs a
            // fresh protected packet each time. Subtract the protect figure for unprotect alone.
            Benchmark("\(prefix)protect_unprotect_\(profileName(profile))") { benchmark in
                measure(benchmark, profile: profile, backend: backend, unprotecting: true)
            }
        }
    }
}

/// Protects (and, `unprotecting`, unprotects again) an Opus-sized packet per iteration.
func measure(_ benchmark: Benchmark, profile: SRTPProfile, backend: SRTPBackend, unprotecting: Bool) {
    let key = keyMaterial(profile)
    guard let sender = try? SRTPSession(profile: profile, masterKeyAndSalt: key, direction: .outbound, backend: backend),
        let receiver = try? SRTPSession(profile: profile, masterKeyAndSalt: key, direction: .inbound, backend: backend)
    else { fatalError("SRTP session") }
    let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 2048, alignment: 16)
    defer { buffer.deallocate() }
    var sequence: UInt16 = 0
    func send() {
        plainPacket.withUnsafeBytes { buffer.copyMemory(from: $0) }
        sequence &+= 1
        stamp(buffer, sequence: sequence)
        let length = (try? sender.protectRTP(buffer.baseAddress!, length: plainPacket.count, capacity: buffer.count)) ?? 0
        if unprotecting {
            let plain = (try? receiver.unprotectRTP(buffer.baseAddress!, length: length)) ?? 0
            precondition(plain == plainPacket.count, "unprotect failed")
        } else {
            blackHole(length)
        }
    }
    // A stream's first packet creates its per-SSRC state (index, replay window) once, in both
    // backends; what is measured is the steady state of every later packet.
    send()
    benchmark.startMeasurement()
    for _ in benchmark.scaledIterations { send() }
    benchmark.stopMeasurement()
}

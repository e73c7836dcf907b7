import CLoadSupport
import Foundation

/// Real Opus frames from libopus, encoded once at start from a generated voice-like signal
/// (two harmonics with a syllable-rate envelope) and replayed in a loop: encoding 50 frames per
/// second per sender live would make the generator, not the SFU, the bottleneck in S3.
/// Each frame carries its RFC 6464 level (-dBov, 0 loudest, 127 silence).
final class OpusClip {
    struct Frame {
        var bytes: [UInt8]
        var level: UInt8
    }

    let speech: [Frame]
    let silence: Frame

    /// Encodes `seconds` of signal at `kbps`; `voice` shifts pitch so clips differ.
    init(kbps: Int, seconds: Int = 2, voice: Int = 0) throws(LoadError) {
        guard let encoder = load_opus_create(Int32(kbps * 1000)) else { throw .setup("opus_encoder_create failed") }
        defer { load_opus_destroy(encoder) }
        var pcm = [Int16](repeating: 0, count: 960)
        var out = [UInt8](repeating: 0, count: 1500)
        var frames: [Frame] = []
        let pitch = 140.0 + Double(voice % 7) * 23.0
        for index in 0..<(seconds * 50) {
            var sumSquares = 0.0
            for i in 0..<960 {
                let t = Double(index * 960 + i) / 48000.0
                // ~4 syllables per second, fully quiet between some of them.
                let envelope = max(0, sin(2 * Double.pi * 4 * t)) * (0.6 + 0.4 * sin(2 * Double.pi * 0.5 * t))
                let sample = envelope * (0.5 * sin(2 * Double.pi * pitch * t) + 0.25 * sin(2 * Double.pi * pitch * 2.7 * t))
                let value = Int16(clamping: Int(sample * 12000))
                pcm[i] = value
                sumSquares += Double(value) * Double(value)
            }
            frames.append(Frame(bytes: try Self.encode(encoder, &pcm, &out), level: Self.level(sumSquares: sumSquares)))
        }
        for i in 0..<960 { pcm[i] = 0 }
        silence = Frame(bytes: try Self.encode(encoder, &pcm, &out), level: 127)
        speech = frames
    }

    private static func encode(_ encoder: UnsafeMutableRawPointer, _ pcm: inout [Int16], _ out: inout [UInt8]) throws(LoadError) -> [UInt8] {
        let count = pcm.withUnsafeBufferPointer { input in
            out.withUnsafeMutableBufferPointer { load_opus_encode(encoder, input.baseAddress, $0.baseAddress, Int32($0.count)) }
        }
        guard count > 0 else { throw .setup("opus_encode failed (\(count))") }
        return Array(out[0..<Int(count)])
    }

    /// RFC 6464: the level in -dBov, 0...127.
    private static func level(sumSquares: Double) -> UInt8 {
        let rms = (sumSquares / 960).squareRoot() / 32767
        guard rms > 0 else { return 127 }
        let dbov = -20 * log10(rms)
        return UInt8(clamping: Int(dbov.rounded()))
    }
}

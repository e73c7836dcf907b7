import RTP
import Testing

/// FuzzH264's checks (Fuzz/Sources/FuzzH264/FuzzH264.swift) as test expectations, so `swift test`
/// holds every committed input to what the fuzzer held it to, without the sanitizers.
enum FuzzH264Replay {
    static func parse(_ bytes: [UInt8]) -> H264PayloadSummary? {
        bytes.withUnsafeBytes { try? H264PayloadSummary(parsing: $0) }
    }

    /// Replays one input (an RTP payload); returns the summary, nil when it did not parse.
    static func replay(_ payload: [UInt8], name: String) -> H264PayloadSummary? {
        guard let summary = parse(payload) else { return nil }
        let type = payload[0] & 0x1F
        #expect(payload[0] & 0x80 == 0 && summary.packetizationType == type, "\(name)")
        #expect((1...23).contains(type) || type == 24 || type == 28, "\(name): type \(type)")
        switch type {
        case 28:
            let startsKeyframe = payload[1] & 0x80 != 0 && H264PayloadSummary.startsKeyframe(payload[1] & 0x1F)
            #expect(summary.isKeyframeStart == startsKeyframe, "\(name)")
            #expect(parse(Array(payload.prefix(2))) == summary, "\(name): an FU-A depends on its payload")
        case 24:
            #expect(payload.count >= 4, "\(name): a STAP-A without a whole unit")
        default:
            #expect(summary.isKeyframeStart == H264PayloadSummary.startsKeyframe(type), "\(name)")
            #expect(parse(Array(payload.prefix(1))) == summary, "\(name): a NAL unit depends on its payload")
        }
        return summary
    }
}

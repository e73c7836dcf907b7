// The H.264 payload summary (RFC 6184 §5.2–5.8), as the forwarder uses it: is this packet the
// start of a key frame (IDR or SPS, alone, in a STAP-A, or the first FU-A fragment)?
//
// Input: the whole input is the RTP payload.
// Checks: only the packetizations the summary takes parse; a key-frame start is one the first
// bytes can justify; the summary does not depend on bytes past a single NAL unit's header or an
// FU-A's FU header (a STAP-A is read to its end, so no such check there).

import RTP

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let payload = UnsafeRawBufferPointer(start: data, count: size)
    guard let summary = try? H264PayloadSummary(parsing: payload) else { return 0 }
    let type = payload[0] & 0x1F
    precondition(payload[0] & 0x80 == 0 && summary.packetizationType == type)
    precondition((1...23).contains(type) || type == 24 || type == 28, "type \(type)")
    switch type {
    case 28:
        let startsKeyframe = payload[1] & 0x80 != 0 && H264PayloadSummary.startsKeyframe(payload[1] & 0x1F)
        precondition(summary.isKeyframeStart == startsKeyframe)
        let head = UnsafeRawBufferPointer(rebasing: payload[0..<2])
        precondition((try? H264PayloadSummary(parsing: head)) == summary, "an FU-A depends on its payload")
    case 24:
        precondition(payload.count >= 4, "a STAP-A without a whole unit")
    default:
        precondition(summary.isKeyframeStart == H264PayloadSummary.startsKeyframe(type))
        let head = UnsafeRawBufferPointer(rebasing: payload[0..<1])
        precondition((try? H264PayloadSummary(parsing: head)) == summary, "a NAL unit depends on its payload")
    }
    return 0
}

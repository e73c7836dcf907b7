// RFC 6184 §5.2–5.8: an H.264 RTP payload starts with a NAL unit header (F | NRI | type). Types
// 1–23 carry one NAL unit; 24 (STAP-A) aggregates NAL units, each after a 16-bit size; 28 (FU-A)
// carries a fragment, with an FU header (S | E | R | original type) after the indicator.

/// What a forwarder needs from an H.264 packet without decoding it: whether it starts a frame
/// the decoder can start from (an IDR picture, or the SPS that precedes one), as JVB's generic
/// H.264 projection needs to start or resume a receiver's stream.
///
/// Parsing reads the payload in place, allocates nothing and checks every length first.
public struct H264PayloadSummary: Sendable, Equatable {
    /// NAL unit types that matter here (ITU-T H.264 Table 7-1).
    public enum NALUnitType {
        public static let idrSlice: UInt8 = 5
        public static let sequenceParameterSet: UInt8 = 7
        public static let stapA: UInt8 = 24
        public static let fuA: UInt8 = 28
    }

    /// Whether this packet starts a key frame: a single IDR slice or SPS NAL unit, a STAP-A
    /// holding either, or the first fragment (S bit) of an FU-A of either.
    public var isKeyframeStart: Bool
    /// The NAL unit type of the payload header (1–23, 24 for STAP-A, 28 for FU-A).
    public var packetizationType: UInt8

    /// Parses `payload`, the RTP payload (after header, extensions; before padding).
    public init(parsing payload: UnsafeRawBufferPointer) throws(H264ParseError) {
        guard let first = payload.first else { throw .empty }
        guard first & 0x80 == 0 else { throw .forbiddenBitSet }
        let type = first & 0x1F
        packetizationType = type
        switch type {
        case 1...23:
            isKeyframeStart = Self.startsKeyframe(type)
        case NALUnitType.stapA:
            isKeyframeStart = try Self.aggregationStartsKeyframe(payload)
        case NALUnitType.fuA:
            guard payload.count >= 2 else { throw .fragmentTruncated }
            let header = payload[1]
            let isFirstFragment = header & 0x80 != 0
            isKeyframeStart = isFirstFragment && Self.startsKeyframe(header & 0x1F)
        default:
            throw .unsupportedPacketization(type)
        }
    }

    /// Whether a NAL unit of `type` starts a picture a decoder can start from.
    @inline(__always)
    public static func startsKeyframe(_ type: UInt8) -> Bool {
        type == NALUnitType.idrSlice || type == NALUnitType.sequenceParameterSet
    }

    /// Walks a STAP-A's NAL units (16-bit size, then the unit); every size is checked, so a
    /// malformed aggregate is an error even when an earlier unit already decided.
    private static func aggregationStartsKeyframe(_ payload: UnsafeRawBufferPointer) throws(H264ParseError) -> Bool {
        var offset = 1
        var found = false
        guard payload.count > offset else { throw .aggregationTruncated }
        while offset < payload.count {
            guard offset + 2 <= payload.count else { throw .aggregationTruncated }
            let size = Int(payload[offset]) << 8 | Int(payload[offset + 1])
            offset += 2
            guard size > 0, offset + size <= payload.count else { throw .aggregationTruncated }
            let header = payload[offset]
            guard header & 0x80 == 0 else { throw .forbiddenBitSet }
            if startsKeyframe(header & 0x1F) { found = true }
            offset += size
        }
        return found
    }
}

import RTP
import Testing

/// RFC 6184 packetizations as libwebrtc sends them: SPS and PPS aggregated in a STAP-A before an
/// IDR slice, large slices in FU-A fragments, small ones as single NAL units.
@Suite struct H264PayloadSummaryTests {
    func parse(_ bytes: [UInt8]) -> Result<H264PayloadSummary, H264ParseError> {
        bytes.withUnsafeBytes { buffer in
            do throws(H264ParseError) {
                return .success(try H264PayloadSummary(parsing: buffer))
            } catch {
                return .failure(error)
            }
        }
    }

    func summary(_ bytes: [UInt8]) throws -> H264PayloadSummary { try parse(bytes).get() }

    func error(_ bytes: [UInt8]) -> H264ParseError? {
        if case .failure(let error) = parse(bytes) { return error }
        return nil
    }

    // NAL unit headers: NRI 3, types 7 (SPS), 8 (PPS), 5 (IDR), 1 (non-IDR slice).
    static let sps: [UInt8] = [0x67, 0x42, 0xC0, 0x1F]
    static let pps: [UInt8] = [0x68, 0xCE, 0x3C, 0x80]
    static let idr: [UInt8] = [0x65, 0x88, 0x84, 0x00]
    static let slice: [UInt8] = [0x41, 0x9A, 0x02]

    static func stapA(_ units: [[UInt8]]) -> [UInt8] {
        var bytes: [UInt8] = [0x78]  // F 0, NRI 3, type 24
        for unit in units { bytes += [UInt8(unit.count >> 8), UInt8(unit.count & 0xFF)] + unit }
        return bytes
    }

    static func fuA(of unit: [UInt8], start: Bool, end: Bool) -> [UInt8] {
        let indicator = (unit[0] & 0xE0) | 28
        let header = (start ? 0x80 : 0) | (end ? 0x40 : 0) | (unit[0] & 0x1F)
        return [indicator, header] + unit.dropFirst()
    }

    @Test func singleNALUnits() throws {
        #expect(try summary(Self.idr).isKeyframeStart)
        #expect(try summary(Self.sps).isKeyframeStart)
        #expect(try !summary(Self.pps).isKeyframeStart)
        #expect(try !summary(Self.slice).isKeyframeStart)
        #expect(try summary(Self.slice).packetizationType == 1)
    }

    @Test func aggregationWithParameterSetsStartsAKeyframe() throws {
        let keyframe = try summary(Self.stapA([Self.sps, Self.pps, Self.idr]))
        #expect(keyframe.isKeyframeStart && keyframe.packetizationType == 24)
        #expect(try !summary(Self.stapA([Self.pps, Self.slice])).isKeyframeStart)
    }

    @Test func onlyTheFirstFragmentOfAnIDRStartsAKeyframe() throws {
        #expect(try summary(Self.fuA(of: Self.idr, start: true, end: false)).isKeyframeStart)
        #expect(try !summary(Self.fuA(of: Self.idr, start: false, end: true)).isKeyframeStart)
        #expect(try !summary(Self.fuA(of: Self.slice, start: true, end: false)).isKeyframeStart)
    }

    @Test func malformedPayloadsAreTypedErrors() {
        #expect(error([]) == .empty)
        #expect(error([0xE5]) == .forbiddenBitSet)
        #expect(error([0x7C]) == .fragmentTruncated)
        #expect(error([0x78]) == .aggregationTruncated)
        #expect(error([0x78, 0x00, 0x09] + Self.idr) == .aggregationTruncated, "size past the end")
        #expect(error([0x78, 0x00, 0x00]) == .aggregationTruncated, "an empty unit")
        #expect(error(Self.stapA([Self.sps]) + [0x00]) == .aggregationTruncated, "a size cut short")
        #expect(error(Self.stapA([[0xE5, 0x00]])) == .forbiddenBitSet)
        #expect(error([0x7D, 0x85]) == .unsupportedPacketization(29), "FU-B: interleaved mode")
        #expect(error([0x79, 0x00]) == .unsupportedPacketization(25), "STAP-B")
        #expect(error([0x60]) == .unsupportedPacketization(0))
    }

    /// Every prefix of a valid keyframe aggregate, and a deterministic sweep of random payloads,
    /// parse or fail with a typed error: never a trap.
    @Test func truncationsAndNoiseNeverTrap() {
        let full = Self.stapA([Self.sps, Self.pps, Self.idr])
        for length in 0...full.count { _ = try? summary(Array(full.prefix(length))) }
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        for _ in 0..<5_000 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let count = Int(state >> 59)
            var bytes: [UInt8] = []
            for index in 0..<count { bytes.append(UInt8(truncatingIfNeeded: state >> (index % 8 * 8))) }
            _ = try? summary(bytes)
        }
    }
}

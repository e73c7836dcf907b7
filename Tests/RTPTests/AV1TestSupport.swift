// Template dependency structures for the Dependency Descriptor tests, in the notation of the AV1
// RTP specification's A.10.2 tables: one DTI symbol per decode target (- D S R), frame diffs, and
// one chain diff per chain, templates in template-index order.

@testable import RTP

/// One template: spatial and temporal layer, DTIs as table symbols, frame diffs, chain diffs.
func av1Template(
    _ spatialID: UInt8, _ temporalID: UInt8, _ dtis: String, fdiffs: [UInt16] = [], chains: [UInt8] = []
) -> AV1FrameDependencies {
    AV1FrameDependencies(
        spatialID: spatialID, temporalID: temporalID,
        decodeTargetIndications: AV1DecodeTargetIndications(symbols: dtis)!,
        frameDiffs: AV1FrameDiffs(fdiffs)!, chainDiffs: AV1ChainDiffs(chains)!)
}

/// The structures the tests use, each with the decode target order of its source.
enum AV1Structures {
    /// A.10.2.1 L1T3: decode targets 30, 15 and 7.5 fps, one chain over the T0 frames.
    static let l1t3Templates = [
        av1Template(0, 0, "SSS", chains: [0]),
        av1Template(0, 0, "SSS", fdiffs: [4], chains: [4]),
        av1Template(0, 1, "SD-", fdiffs: [2], chains: [2]),
        av1Template(0, 2, "D--", fdiffs: [1], chains: [1]),
        av1Template(0, 2, "D--", fdiffs: [1], chains: [3]),
    ]

    static func l1t3(offset: UInt8 = 0, resolutions: [AV1RenderResolution]? = nil) throws -> AV1TemplateStructure {
        try AV1TemplateStructure(
            templateIDOffset: offset, decodeTargetCount: 3, chainCount: 1, decodeTargetProtectedBy: [0, 0, 0],
            templates: l1t3Templates, renderResolutions: resolutions)
    }

    /// A.10.2.2 L3T3 full SVC: decode targets HD 30/15/7.5, VGA 30/15/7.5, QVGA 30/15/7.5 fps;
    /// chain 0 protects QVGA, 1 VGA, 2 HD.
    static func l3t3() throws -> AV1TemplateStructure {
        try AV1TemplateStructure(
            templateIDOffset: 0, decodeTargetCount: 9, chainCount: 3,
            decodeTargetProtectedBy: [2, 2, 2, 1, 1, 1, 0, 0, 0],
            templates: [
                av1Template(0, 0, "SSSSSSSSS", chains: [0, 0, 0]),
                av1Template(0, 0, "RRRRRRSSS", fdiffs: [12], chains: [12, 11, 10]),
                av1Template(0, 1, "RR-RR-SD-", fdiffs: [6], chains: [6, 5, 4]),
                av1Template(0, 2, "R--R--D--", fdiffs: [3], chains: [3, 2, 1]),
                av1Template(0, 2, "R--R--D--", fdiffs: [3], chains: [9, 8, 7]),
                av1Template(1, 0, "SSSSSS---", fdiffs: [1], chains: [1, 1, 1]),
                av1Template(1, 0, "RRRSSS---", fdiffs: [12, 1], chains: [1, 1, 1]),
                av1Template(1, 1, "RR-SD----", fdiffs: [6, 1], chains: [7, 6, 5]),
                av1Template(1, 2, "R--D-----", fdiffs: [3, 1], chains: [4, 3, 2]),
                av1Template(1, 2, "R--D-----", fdiffs: [3, 1], chains: [10, 9, 8]),
                av1Template(2, 0, "SSS------", fdiffs: [1], chains: [2, 1, 1]),
                av1Template(2, 0, "SSS------", fdiffs: [12, 1], chains: [2, 1, 1]),
                av1Template(2, 1, "SD-------", fdiffs: [6, 1], chains: [8, 7, 6]),
                av1Template(2, 2, "D--------", fdiffs: [3, 1], chains: [5, 4, 3]),
                av1Template(2, 2, "D--------", fdiffs: [3, 1], chains: [11, 10, 9]),
            ],
            renderResolutions: [
                AV1RenderResolution(width: 320, height: 180), AV1RenderResolution(width: 640, height: 360),
                AV1RenderResolution(width: 1280, height: 720),
            ])
    }

    /// L3T3_KEY (key-frame dependencies only between spatial layers), as libwebrtc's encoder
    /// describes it: decode target 3 * S + T, chain S protecting spatial layer S.
    static func l3t3Key(offset: UInt8 = 0) throws -> AV1TemplateStructure {
        try AV1TemplateStructure(
            templateIDOffset: offset, decodeTargetCount: 9, chainCount: 3,
            decodeTargetProtectedBy: [0, 0, 0, 1, 1, 1, 2, 2, 2],
            templates: [
                av1Template(0, 0, "SSSSSSSSS", chains: [0, 0, 0]),
                av1Template(0, 0, "SSS------", fdiffs: [12], chains: [12, 11, 10]),
                av1Template(0, 1, "-DS------", fdiffs: [6], chains: [6, 5, 4]),
                av1Template(0, 2, "--D------", fdiffs: [3], chains: [3, 2, 1]),
                av1Template(0, 2, "--D------", fdiffs: [3], chains: [9, 8, 7]),
                av1Template(1, 0, "---SSSSSS", fdiffs: [1], chains: [1, 1, 1]),
                av1Template(1, 0, "---SSS---", fdiffs: [12], chains: [1, 12, 11]),
                av1Template(1, 1, "----DS---", fdiffs: [6], chains: [7, 6, 5]),
                av1Template(1, 2, "-----D---", fdiffs: [3], chains: [4, 3, 2]),
                av1Template(1, 2, "-----D---", fdiffs: [3], chains: [10, 9, 8]),
                av1Template(2, 0, "------SSS", fdiffs: [1], chains: [2, 1, 1]),
                av1Template(2, 0, "------SSS", fdiffs: [12], chains: [2, 1, 12]),
                av1Template(2, 1, "-------DS", fdiffs: [6], chains: [8, 7, 6]),
                av1Template(2, 2, "--------D", fdiffs: [3], chains: [5, 4, 3]),
                av1Template(2, 2, "--------D", fdiffs: [3], chains: [11, 10, 9]),
            ])
    }

    /// S3T3 (three independent spatial layers on one SSRC), as libwebrtc's encoder describes it:
    /// decode target 3 * S + T, chain S protecting spatial layer S.
    static func s3t3(offset: UInt8 = 0) throws -> AV1TemplateStructure {
        try AV1TemplateStructure(
            templateIDOffset: offset, decodeTargetCount: 9, chainCount: 3,
            decodeTargetProtectedBy: [0, 0, 0, 1, 1, 1, 2, 2, 2],
            templates: [
                av1Template(0, 0, "SSS------", fdiffs: [12], chains: [12, 11, 10]),
                av1Template(0, 0, "SSS------", chains: [0, 0, 0]),
                av1Template(0, 1, "-DS------", fdiffs: [6], chains: [6, 5, 4]),
                av1Template(0, 2, "--D------", fdiffs: [3], chains: [3, 2, 1]),
                av1Template(0, 2, "--D------", fdiffs: [3], chains: [9, 8, 7]),
                av1Template(1, 0, "---SSS---", fdiffs: [12], chains: [1, 12, 11]),
                av1Template(1, 0, "---SSS---", chains: [1, 0, 0]),
                av1Template(1, 1, "----DS---", fdiffs: [6], chains: [7, 6, 5]),
                av1Template(1, 2, "-----D---", fdiffs: [3], chains: [4, 3, 2]),
                av1Template(1, 2, "-----D---", fdiffs: [3], chains: [10, 9, 8]),
                av1Template(2, 0, "------SSS", fdiffs: [12], chains: [2, 1, 12]),
                av1Template(2, 0, "------SSS", chains: [2, 1, 0]),
                av1Template(2, 1, "-------DS", fdiffs: [6], chains: [8, 7, 6]),
                av1Template(2, 2, "--------D", fdiffs: [3], chains: [5, 4, 3]),
                av1Template(2, 2, "--------D", fdiffs: [3], chains: [11, 10, 9]),
            ])
    }
}

/// Bytes from a string of bits, most significant first, padded with zero bits to a whole byte.
/// Characters other than 0 and 1 are ignored, and so is the rest of a line after `#`, so fields
/// can be spaced and annotated.
func bitBytes(_ text: String) -> [UInt8] {
    let code = text.split(separator: "\n", omittingEmptySubsequences: false).map { $0.prefix { $0 != "#" } }.joined()
    let bits = code.compactMap { $0 == "0" ? UInt8(0) : $0 == "1" ? UInt8(1) : nil }
    var bytes = [UInt8](repeating: 0, count: (bits.count + 7) / 8)
    for (index, bit) in bits.enumerated() { bytes[index / 8] |= bit << UInt8(7 - index % 8) }
    return bytes
}

/// Parses `bytes` against `structure` (updated as the parser updates it).
func parseDD(
    _ bytes: [UInt8], _ structure: inout AV1TemplateStructure?
) throws(AV1DependencyDescriptorError) -> AV1DependencyDescriptor {
    var known = structure
    let result: Result<AV1DependencyDescriptor, AV1DependencyDescriptorError> = bytes.withUnsafeBytes { buffer in
        do throws(AV1DependencyDescriptorError) {
            return .success(try AV1DependencyDescriptor(parsing: buffer, structure: &known))
        } catch {
            return .failure(error)
        }
    }
    structure = known
    return try result.get()
}

/// Writes `descriptor` against `structure` into a buffer filled with 0xEE (so padding is checked).
func writeDD(
    _ descriptor: AV1DependencyDescriptor, _ structure: AV1TemplateStructure, capacity: Int = 4096
) throws(AV1DependencyDescriptorWriteError) -> [UInt8] {
    var buffer = [UInt8](repeating: 0xEE, count: capacity)
    let result: Result<Int, AV1DependencyDescriptorWriteError> = buffer.withUnsafeMutableBytes { raw in
        do throws(AV1DependencyDescriptorWriteError) {
            return .success(try descriptor.write(into: raw, structure: structure))
        } catch {
            return .failure(error)
        }
    }
    return Array(buffer.prefix(try result.get()))
}

// Template dependency structures for the Dependency Descriptor tests, in the notation of the AV1
// RTP specification's A.10.2 tables: one DTI symbol per decode target (- D S R), frame diffs, and
// one chain diff per chain, templates in template-index order. Shared by the RTP module's tests
// (parsing, writing) and the bridge's (layer selection), so both read the same structures.

public import RTP

/// One template: spatial and temporal layer, DTIs as table symbols, frame diffs, chain diffs.
public func av1Template(
    _ spatialID: UInt8, _ temporalID: UInt8, _ dtis: String, fdiffs: [UInt16] = [], chains: [UInt8] = []
) -> AV1FrameDependencies {
    AV1FrameDependencies(
        spatialID: spatialID, temporalID: temporalID,
        decodeTargetIndications: AV1DecodeTargetIndications(symbols: dtis)!,
        frameDiffs: AV1FrameDiffs(fdiffs)!, chainDiffs: AV1ChainDiffs(chains)!)
}

/// The structures the tests use, each with the decode target order of its source.
public enum AV1Structures {
    /// 320x180, 640x360 and 1280x720: the render resolutions of a three-layer 720p camera.
    public static let resolutions720p = [
        AV1RenderResolution(width: 320, height: 180), AV1RenderResolution(width: 640, height: 360),
        AV1RenderResolution(width: 1280, height: 720),
    ]

    /// A.10.2.1 L1T3: decode targets 30, 15 and 7.5 fps, one chain over the T0 frames.
    public static let l1t3Templates = [
        av1Template(0, 0, "SSS", chains: [0]),
        av1Template(0, 0, "SSS", fdiffs: [4], chains: [4]),
        av1Template(0, 1, "SD-", fdiffs: [2], chains: [2]),
        av1Template(0, 2, "D--", fdiffs: [1], chains: [1]),
        av1Template(0, 2, "D--", fdiffs: [1], chains: [3]),
    ]

    public static func l1t3(offset: UInt8 = 0, resolutions: [AV1RenderResolution]? = nil) throws -> AV1TemplateStructure {
        try AV1TemplateStructure(
            templateIDOffset: offset, decodeTargetCount: 3, chainCount: 1, decodeTargetProtectedBy: [0, 0, 0],
            templates: l1t3Templates, renderResolutions: resolutions)
    }

    /// A.10.2.2 L3T3 full SVC: decode targets HD 30/15/7.5, VGA 30/15/7.5, QVGA 30/15/7.5 fps;
    /// chain 0 protects QVGA, 1 VGA, 2 HD.
    public static func l3t3(offset: UInt8 = 0) throws -> AV1TemplateStructure {
        try AV1TemplateStructure(
            templateIDOffset: offset, decodeTargetCount: 9, chainCount: 3,
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
            renderResolutions: resolutions720p)
    }

    /// L3T3_KEY (key-frame dependencies only between spatial layers), as libwebrtc's encoder
    /// describes it: decode target 3 * S + T, chain S protecting spatial layer S.
    public static func l3t3Key(offset: UInt8 = 0, resolutions: [AV1RenderResolution]? = nil) throws -> AV1TemplateStructure {
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
            ],
            renderResolutions: resolutions)
    }

    /// S3T3 (three independent spatial layers on one SSRC), as libwebrtc's encoder describes it:
    /// decode target 3 * S + T, chain S protecting spatial layer S.
    public static func s3t3(offset: UInt8 = 0, resolutions: [AV1RenderResolution]? = nil) throws -> AV1TemplateStructure {
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
            ],
            renderResolutions: resolutions)
    }
}

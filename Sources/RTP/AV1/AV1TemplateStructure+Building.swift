// Building a structure from values rather than from the wire: for a sender, for a forwarder that
// describes a stream it composes, and for tests. Checks everything the wire format cannot express.
// Allocates nothing beyond the arrays passed in.

extension AV1TemplateStructure {
    /// A structure from its parts, checked to be encodable.
    ///
    /// - Parameters:
    ///   - templates: in template index order, as template_layers can express it: the first S0T0,
    ///     then each one the same layer, the next temporal layer, or the next spatial layer at T0.
    ///     Each has one DTI per decode target, frame diffs of 1–16 and one chain diff (0–15) per chain.
    ///   - decodeTargetProtectedBy: the chain of each decode target; empty when `chainCount` is 0.
    ///   - renderResolutions: nil, or one per spatial layer.
    public init(
        templateIDOffset: UInt8, decodeTargetCount: Int, chainCount: Int = 0,
        decodeTargetProtectedBy: [UInt8] = [], templates: [AV1FrameDependencies],
        renderResolutions: [AV1RenderResolution]? = nil
    ) throws(AV1TemplateStructureError) {
        guard templateIDOffset < 64 else { throw .templateIDOffsetOutOfRange }
        guard decodeTargetCount >= 1 && decodeTargetCount <= Self.maxDecodeTargets else {
            throw .decodeTargetCountOutOfRange
        }
        guard !templates.isEmpty && templates.count <= Self.maxTemplates else { throw .templateCountOutOfRange }
        guard chainCount >= 0 && chainCount <= decodeTargetCount else { throw .chainCountOutOfRange }
        guard decodeTargetProtectedBy.count == (chainCount > 0 ? decodeTargetCount : 0),
            decodeTargetProtectedBy.allSatisfy({ Int($0) < chainCount })
        else { throw .protectedByInvalid }

        var previous: AV1FrameDependencies?
        for template in templates {
            guard Int(template.spatialID) < Self.maxSpatialLayers && Int(template.temporalID) < Self.maxTemporalLayers
            else { throw .layerOutOfRange }
            guard Self.canFollow(previous, with: template) else { throw .templateLayersNotEncodable }
            guard template.decodeTargetIndications.count == decodeTargetCount else {
                throw .decodeTargetIndicationCountMismatch
            }
            for index in 0..<template.frameDiffs.count where template.frameDiffs[index] > 16 {
                throw .templateFrameDiffOutOfRange
            }
            guard template.chainDiffs.count == chainCount else { throw .templateChainDiffInvalid }
            for chain in 0..<chainCount where template.chainDiffs[chain] > 15 { throw .templateChainDiffInvalid }
            previous = template
        }
        if let renderResolutions {
            guard renderResolutions.count == Int(templates[templates.count - 1].spatialID) + 1,
                renderResolutions.allSatisfy(\.isEncodable)
            else { throw .resolutionsInvalid }
        }

        // Filled in a local and assigned once (see AV1FrameDiffs.init?(_:) on a Swift 6.3.1 -O bug).
        var built = AV1TemplateStructure()  // fresh tables, not shared
        built.templateIDOffset = templateIDOffset
        built.decodeTargetCount = decodeTargetCount
        built.templateCount = templates.count
        built.chainCount = chainCount
        for (index, template) in templates.enumerated() { built.tables.templates[index] = template }
        for (target, chain) in decodeTargetProtectedBy.enumerated() { built.tables.protectedBy[target] = chain }
        if let renderResolutions {
            built.hasRenderResolutions = true
            for (layer, resolution) in renderResolutions.enumerated() { built.tables.resolutions[layer] = resolution }
        }
        built.deriveDecodeTargetLayers()
        self = built
    }

    /// The templates in index order (allocates; for tests and logs).
    public var templateList: [AV1FrameDependencies] { (0..<templateCount).map { tables.templates[$0] } }

    /// decode_target_protected_by in decode-target order; empty without chains (allocates).
    public var decodeTargetProtectedBy: [UInt8] {
        chainCount > 0 ? (0..<decodeTargetCount).map { tables.protectedBy[$0] } : []
    }

    /// The render resolutions per spatial layer, or nil when the structure has none (allocates).
    public var renderResolutions: [AV1RenderResolution]? {
        hasRenderResolutions ? (0...Int(maxSpatialID)).map { tables.resolutions[$0] } : nil
    }

    /// Whether `next` can follow `previous` in template_layers (Table A.2): the same layer, the next
    /// temporal layer, or the next spatial layer at temporal layer 0. The first must be S0T0.
    static func canFollow(_ previous: AV1FrameDependencies?, with next: AV1FrameDependencies) -> Bool {
        guard let previous else { return next.spatialID == 0 && next.temporalID == 0 }
        if next.spatialID == previous.spatialID {
            return next.temporalID == previous.temporalID || next.temporalID == previous.temporalID + 1
        }
        return next.spatialID == previous.spatialID + 1 && next.temporalID == 0
    }
}

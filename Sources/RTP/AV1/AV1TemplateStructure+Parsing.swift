// A.8.2 template_dependency_structure() and the functions it calls, read into an existing value.

extension AV1TemplateStructure {
    /// Reads a template_dependency_structure at the reader's position, replacing everything in
    /// `self`. On a throw `self` is left half-filled, so parse into a scratch value. Reuses the
    /// tables when no other value shares them, else allocates new ones.
    mutating func parse(from reader: inout AV1BitReader) throws(AV1DependencyDescriptorError) {
        makeTablesUnique()
        templateIDOffset = UInt8(truncatingIfNeeded: try reader.read(6))
        decodeTargetCount = Int(try reader.read(5)) &+ 1
        try parseTemplateLayers(from: &reader)
        try parseTemplateDecodeTargetIndications(from: &reader)
        try parseTemplateFrameDiffs(from: &reader)
        try parseTemplateChains(from: &reader)
        deriveDecodeTargetLayers()
        hasRenderResolutions = try reader.readFlag()
        if hasRenderResolutions {
            for layer in 0...Int(maxSpatialID) {
                let width = Int(try reader.read(16)) &+ 1
                let height = Int(try reader.read(16)) &+ 1
                tables.resolutions[layer] = AV1RenderResolution(width: width, height: height)
            }
        }
    }

    /// template_layers(): each template's spatial and temporal ID, from next_layer_idc (Table A.2).
    private mutating func parseTemplateLayers(from reader: inout AV1BitReader) throws(AV1DependencyDescriptorError) {
        var spatialID: UInt8 = 0
        var temporalID: UInt8 = 0
        templateCount = 0
        while true {
            guard templateCount < Self.maxTemplates else { throw .tooManyTemplates }
            tables.templates[templateCount] = AV1FrameDependencies(spatialID: spatialID, temporalID: temporalID)
            templateCount &+= 1
            switch try reader.read(2) {
            case 0:
                continue
            case 1:
                temporalID &+= 1
                guard Int(temporalID) < Self.maxTemporalLayers else { throw .tooManyTemporalLayers }
            case 2:
                temporalID = 0
                spatialID &+= 1
                guard Int(spatialID) < Self.maxSpatialLayers else { throw .tooManySpatialLayers }
            default:
                return
            }
        }
    }

    /// template_dtis(): DtCnt 2-bit indications per template.
    private mutating func parseTemplateDecodeTargetIndications(
        from reader: inout AV1BitReader
    ) throws(AV1DependencyDescriptorError) {
        for index in 0..<templateCount {
            var indications = AV1DecodeTargetIndications(count: decodeTargetCount)
            for target in 0..<decodeTargetCount {
                indications.setCode(UInt8(truncatingIfNeeded: try reader.read(2)), at: target)
            }
            tables.templates[index].decodeTargetIndications = indications
        }
    }

    /// template_fdiffs(): per template, fdiff_minus_one values (4 bits) while fdiff_follows_flag is set.
    private mutating func parseTemplateFrameDiffs(from reader: inout AV1BitReader) throws(AV1DependencyDescriptorError) {
        for index in 0..<templateCount {
            var diffs = AV1FrameDiffs()
            while try reader.readFlag() {
                let diff = UInt16(truncatingIfNeeded: try reader.read(4)) &+ 1
                guard diffs.append(diff) else { throw .tooManyFrameDiffs }
            }
            tables.templates[index].frameDiffs = diffs
        }
    }

    /// template_chains(): chain_cnt, decode_target_protected_by and the templates' chain diffs.
    private mutating func parseTemplateChains(from reader: inout AV1BitReader) throws(AV1DependencyDescriptorError) {
        chainCount = Int(try reader.readNonSymmetric(decodeTargetCount &+ 1))
        guard chainCount > 0 else { return }
        for target in 0..<decodeTargetCount {
            tables.protectedBy[target] = UInt8(truncatingIfNeeded: try reader.readNonSymmetric(chainCount))
        }
        for index in 0..<templateCount {
            var diffs = AV1ChainDiffs(count: chainCount)
            for chain in 0..<chainCount {
                diffs[chain] = UInt8(truncatingIfNeeded: try reader.read(4))
            }
            tables.templates[index].chainDiffs = diffs
        }
    }
}

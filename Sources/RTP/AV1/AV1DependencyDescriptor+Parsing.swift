// A.8.2 dependency_descriptor(sz): the mandatory fields, the extended fields when sz > 3, and the
// frame_dependency_definition against the structure in effect. zero_padding is ignored, as A.8.3
// tells receivers to.

extension AV1DependencyDescriptor {
    /// Parses the extension's bytes (the RFC 8285 element's data, `sz` = `bytes.count`).
    ///
    /// `structure` is the latest template dependency structure known for the stream, nil before the
    /// first. When the packet carries a structure, the frame is resolved against that one and, if the
    /// whole descriptor parses, `structure` is replaced by it; on any error `structure` is unchanged.
    /// Allocates nothing, except the tables of a structure the packet carries
    /// (AV1DependencyDescriptorReader reuses those).
    public init(
        parsing bytes: UnsafeRawBufferPointer, structure: inout AV1TemplateStructure?
    ) throws(AV1DependencyDescriptorError) {
        var spare: AV1TemplateStructure?
        try self.init(parsing: bytes, structure: &structure, spare: &spare)
    }

    /// `init(parsing:structure:)`, parsing a carried structure into `spare` (whose tables are reused
    /// when no other value holds them). After a packet that carried a structure, `spare` holds the
    /// structure it replaced, ready to be reused by the next one.
    init(
        parsing bytes: UnsafeRawBufferPointer, structure: inout AV1TemplateStructure?,
        spare: inout AV1TemplateStructure?
    ) throws(AV1DependencyDescriptorError) {
        // Everything is read into locals and `self` assigned once at the end: Swift 6.3.1 at -O has
        // lost writes to an InlineArray-holding `self` made on a path that can still exit early.
        guard bytes.count >= 3 else { throw .truncated }
        var reader = AV1BitReader(bytes)
        var descriptor = AV1DependencyDescriptor(
            isStartOfFrame: try reader.readFlag(), isEndOfFrame: try reader.readFlag(),
            templateID: UInt8(truncatingIfNeeded: try reader.read(6)),
            frameNumber: UInt16(truncatingIfNeeded: try reader.read(16)), frame: AV1FrameDependencies())

        var hasActiveDecodeTargets = false
        if bytes.count > 3 {
            descriptor.carriesStructure = try reader.readFlag()
            hasActiveDecodeTargets = try reader.readFlag()
            descriptor.hasCustomDecodeTargetIndications = try reader.readFlag()
            descriptor.hasCustomFrameDiffs = try reader.readFlag()
            descriptor.hasCustomChainDiffs = try reader.readFlag()
        }

        if descriptor.carriesStructure {
            // Taken out of `spare` first, so its tables are unique and the parse reuses them.
            var attached = spare ?? AV1TemplateStructure()
            spare = nil
            do throws(AV1DependencyDescriptorError) {
                try attached.parse(from: &reader)
                if hasActiveDecodeTargets { descriptor.activeDecodeTargets = try reader.read(attached.decodeTargetCount) }
                try descriptor.readFrameDefinition(from: &reader, structure: attached)
            } catch {
                spare = attached
                throw error
            }
            self = descriptor
            spare = structure
            structure = attached
        } else {
            guard structure != nil else { throw .noStructure }
            if hasActiveDecodeTargets { descriptor.activeDecodeTargets = try reader.read(structure!.decodeTargetCount) }
            try descriptor.readFrameDefinition(from: &reader, structure: structure!)
            self = descriptor
        }
    }

    /// frame_dependency_definition(): the template's values, then the custom ones the flags announce.
    private mutating func readFrameDefinition(
        from reader: inout AV1BitReader, structure: AV1TemplateStructure
    ) throws(AV1DependencyDescriptorError) {
        guard let index = structure.templateIndex(forID: templateID) else { throw .unknownTemplate }
        var frame = structure.tables.templates[index]
        if hasCustomDecodeTargetIndications {
            for target in 0..<structure.decodeTargetCount {
                frame.decodeTargetIndications.setCode(UInt8(truncatingIfNeeded: try reader.read(2)), at: target)
            }
        }
        if hasCustomFrameDiffs {
            // frame_fdiffs(): next_fdiff_size nibbles of fdiff_minus_one, until a size of 0.
            var diffs = AV1FrameDiffs()
            while true {
                let nibbles = Int(try reader.read(2))
                if nibbles == 0 { break }
                let diff = UInt16(truncatingIfNeeded: try reader.read(4 &* nibbles)) &+ 1
                guard diffs.append(diff) else { throw .tooManyFrameDiffs }
            }
            frame.frameDiffs = diffs
        }
        if hasCustomChainDiffs {
            for chain in 0..<structure.chainCount {
                frame.chainDiffs[chain] = UInt8(truncatingIfNeeded: try reader.read(8))
            }
        }
        self.frame = frame
        renderResolution = structure.renderResolution(spatialID: frame.spatialID)
    }
}

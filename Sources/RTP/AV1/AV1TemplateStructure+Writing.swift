// A.8.2 template_dependency_structure() written out: the inverse of AV1TemplateStructure+Parsing.

extension AV1TemplateStructure {
    /// Writes this structure at the writer's position.
    func write(to writer: inout AV1BitWriter) throws(AV1DependencyDescriptorWriteError) {
        try writer.write(UInt32(templateIDOffset), bits: 6)
        try writer.write(UInt32(decodeTargetCount &- 1), bits: 5)
        // template_layers(): next_layer_idc between consecutive templates, then 3.
        for index in 0..<templateCount {
            let idc: UInt32
            if index == templateCount &- 1 {
                idc = 3
            } else if tables.templates[index &+ 1].spatialID != tables.templates[index].spatialID {
                idc = 2
            } else if tables.templates[index &+ 1].temporalID != tables.templates[index].temporalID {
                idc = 1
            } else {
                idc = 0
            }
            try writer.write(idc, bits: 2)
        }
        for index in 0..<templateCount {
            let indications = tables.templates[index].decodeTargetIndications
            for target in 0..<decodeTargetCount {
                try writer.write(UInt32(indications.code(at: target)), bits: 2)
            }
        }
        for index in 0..<templateCount {
            let diffs = tables.templates[index].frameDiffs
            for diff in 0..<diffs.count {
                try writer.writeFlag(true)
                try writer.write(UInt32(diffs[diff]) &- 1, bits: 4)
            }
            try writer.writeFlag(false)
        }
        try writer.writeNonSymmetric(UInt32(chainCount), decodeTargetCount &+ 1)
        if chainCount > 0 {
            for target in 0..<decodeTargetCount {
                try writer.writeNonSymmetric(UInt32(tables.protectedBy[target]), chainCount)
            }
            for index in 0..<templateCount {
                for chain in 0..<chainCount {
                    try writer.write(UInt32(tables.templates[index].chainDiffs[chain]), bits: 4)
                }
            }
        }
        try writer.writeFlag(hasRenderResolutions)
        if hasRenderResolutions {
            for layer in 0...Int(maxSpatialID) {
                try writer.write(UInt32(tables.resolutions[layer].width &- 1), bits: 16)
                try writer.write(UInt32(tables.resolutions[layer].height &- 1), bits: 16)
            }
        }
    }
}

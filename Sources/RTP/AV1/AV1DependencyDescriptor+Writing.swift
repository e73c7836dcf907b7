// Re-encoding a descriptor, so a forwarder can rewrite frame_number, the template ID or the active
// decode targets of what it sends (or attach the structure to a receiver's first key frame).

extension AV1DependencyDescriptor {
    /// Writes the descriptor into the start of `buffer`; returns the bytes written (the extension's
    /// `sz`): 3 when no extended field is needed, more otherwise.
    ///
    /// `structure` is the one the receiver will resolve the frame against, and is written out when
    /// `carriesStructure` is set. A custom field is written when its flag is set or when the frame's
    /// values differ from its template's, so what parses back is this descriptor (`renderResolution`
    /// is derived from the structure and not written). Allocates nothing.
    ///
    /// A descriptor parsed from a packet and written against the same structure never comes out
    /// longer than that packet's extension data (FuzzAV1DependencyDescriptor checks it), so such a
    /// rewrite fits in place. A structure can exceed the 255 bytes an RFC 8285 two-byte element holds;
    /// the caller checks the size returned.
    public func write(
        into buffer: UnsafeMutableRawBufferPointer, structure: AV1TemplateStructure
    ) throws(AV1DependencyDescriptorWriteError) -> Int {
        guard let index = structure.templateIndex(forID: templateID) else { throw .unknownTemplate }
        let template = structure.tables.templates[index]
        guard frame.spatialID == template.spatialID && frame.temporalID == template.temporalID else {
            throw .layerDiffersFromTemplate
        }
        guard frame.decodeTargetIndications.count == structure.decodeTargetCount else {
            throw .decodeTargetCountMismatch
        }
        guard frame.chainDiffs.count == structure.chainCount else { throw .chainCountMismatch }
        if let activeDecodeTargets, activeDecodeTargets & ~structure.allDecodeTargets != 0 {
            throw .activeDecodeTargetsOutOfRange
        }
        let customDTIs =
            hasCustomDecodeTargetIndications || frame.decodeTargetIndications != template.decodeTargetIndications
        let customFrameDiffs = hasCustomFrameDiffs || frame.frameDiffs != template.frameDiffs
        let customChains = hasCustomChainDiffs || frame.chainDiffs != template.chainDiffs
        let extended = carriesStructure || activeDecodeTargets != nil || customDTIs || customFrameDiffs || customChains

        var writer = AV1BitWriter(buffer)
        try writer.writeFlag(isStartOfFrame)
        try writer.writeFlag(isEndOfFrame)
        try writer.write(UInt32(templateID), bits: 6)
        try writer.write(UInt32(frameNumber), bits: 16)
        guard extended else { return writer.byteCount }

        try writer.writeFlag(carriesStructure)
        try writer.writeFlag(activeDecodeTargets != nil)
        try writer.writeFlag(customDTIs)
        try writer.writeFlag(customFrameDiffs)
        try writer.writeFlag(customChains)
        if carriesStructure { try structure.write(to: &writer) }
        if let activeDecodeTargets { try writer.write(activeDecodeTargets, bits: structure.decodeTargetCount) }
        if customDTIs {
            for target in 0..<structure.decodeTargetCount {
                try writer.write(UInt32(frame.decodeTargetIndications.code(at: target)), bits: 2)
            }
        }
        if customFrameDiffs {
            // frame_fdiffs(): each fdiff_minus_one in the fewest nibbles (1–3), then a size of 0.
            for index in 0..<frame.frameDiffs.count {
                let minusOne = UInt32(frame.frameDiffs[index]) &- 1
                let nibbles = minusOne < 0x10 ? 1 : minusOne < 0x100 ? 2 : 3
                try writer.write(UInt32(nibbles), bits: 2)
                try writer.write(minusOne, bits: 4 &* nibbles)
            }
            try writer.write(0, bits: 2)
        }
        if customChains {
            for chain in 0..<structure.chainCount {
                try writer.write(UInt32(frame.chainDiffs[chain]), bits: 8)
            }
        }
        return writer.byteCount
    }
}

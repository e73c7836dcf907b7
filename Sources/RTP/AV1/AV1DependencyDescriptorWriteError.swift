/// Why a Dependency Descriptor could not be written against a template dependency structure.
public enum AV1DependencyDescriptorWriteError: Error, Sendable, Equatable {
    /// The output buffer is shorter than the encoded descriptor.
    case bufferTooSmall
    /// The template ID is above 63 or outside the structure's template range.
    case unknownTemplate
    /// The frame's spatial or temporal ID differs from its template's; the wire takes both from
    /// the template, so such a frame needs another template.
    case layerDiffersFromTemplate
    /// The frame has a different number of DTIs than the structure has decode targets.
    case decodeTargetCountMismatch
    /// The frame has a different number of chain diffs than the structure has chains.
    case chainCountMismatch
    /// The active decode targets bitmask has a bit set at or above the structure's decode target count.
    case activeDecodeTargetsOutOfRange
}

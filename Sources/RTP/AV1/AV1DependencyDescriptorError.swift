/// Why a Dependency Descriptor extension could not be read. One case per condition, so the caller
/// can count each on its own without allocating (typed throws, style.md B5.7).
public enum AV1DependencyDescriptorError: Error, Sendable, Equatable {
    /// A field runs past the end of the extension (fewer than the 3 mandatory bytes included).
    case truncated
    /// The packet refers to a template, or signals active decode targets, but no template
    /// dependency structure is known yet: the key frame's first packet was lost or has not come.
    case noStructure
    /// frame_dependency_template_id is outside the known structure's template range, as after a
    /// lost packet that carried a new structure (A.8.3).
    case unknownTemplate
    /// The structure declares more than 64 templates (frame_dependency_template_id is 6 bits).
    case tooManyTemplates
    /// A template has a spatial ID above 3 (AV1's spatial_id is 2 bits).
    case tooManySpatialLayers
    /// A template has a temporal ID above 7 (AV1's temporal_id is 3 bits).
    case tooManyTemporalLayers
    /// A template or frame lists more than `AV1FrameDiffs.capacity` (16) frame diffs.
    case tooManyFrameDiffs
}

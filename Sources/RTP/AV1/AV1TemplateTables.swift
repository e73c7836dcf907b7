// The large fixed-size tables of an AV1TemplateStructure, kept in one heap object so that reading
// them never copies them. (Swift 6.3 copies a whole InlineArray to the stack to read one element
// of it from a borrowed struct; with 64 templates that was a 6.6 KB memcpy per access. A class's
// stored properties are addressable, so reads through one are direct.)

/// Templates, decode_target_protected_by, the derived decode target layers and the render
/// resolutions of one structure. Copy-on-write storage: AV1TemplateStructure writes to an instance
/// only after `isKnownUniquelyReferenced` says no other value shares it, which is what makes the
/// unchecked Sendable conformance sound.
final class AV1TemplateTables: @unchecked Sendable {
    var templates = InlineArray<64, AV1FrameDependencies>(repeating: AV1FrameDependencies())
    var protectedBy = InlineArray<32, UInt8>(repeating: 0)
    var targetSpatialIDs = InlineArray<32, UInt8>(repeating: 0)
    var targetTemporalIDs = InlineArray<32, UInt8>(repeating: 0)
    var resolutions = InlineArray<4, AV1RenderResolution>(repeating: AV1RenderResolution(width: 0, height: 0))

    init() {}

    /// A private copy for a writer that found the tables shared.
    init(copying other: AV1TemplateTables) {
        templates = other.templates
        protectedBy = other.protectedBy
        targetSpatialIDs = other.targetSpatialIDs
        targetTemporalIDs = other.targetTemporalIDs
        resolutions = other.resolutions
    }
}

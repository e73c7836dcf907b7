// One frame dependency template of a structure (A.8.2 template_layers/dtis/fdiffs/chains), or one
// frame's frame_dependency_definition: its template's values with any custom DTIs, fdiffs and
// chain diffs the packet carries put in their place. One type for both, because a frame's
// definition is exactly a template with overrides.

/// Spatial and temporal layer, DTIs, frame diffs and chain diffs of a template or of a frame.
public struct AV1FrameDependencies: Sendable, Equatable {
    /// The spatial layer (0–3).
    public var spatialID: UInt8
    /// The temporal layer (0–7).
    public var temporalID: UInt8
    /// One indication per decode target of the structure.
    public var decodeTargetIndications: AV1DecodeTargetIndications
    /// The frames this one refers to, as distances back in frame_number.
    public var frameDiffs: AV1FrameDiffs
    /// One diff per chain of the structure: the distance back to the previous frame in that chain.
    public var chainDiffs: AV1ChainDiffs

    public init(
        spatialID: UInt8 = 0, temporalID: UInt8 = 0,
        decodeTargetIndications: AV1DecodeTargetIndications = AV1DecodeTargetIndications(count: 0),
        frameDiffs: AV1FrameDiffs = AV1FrameDiffs(), chainDiffs: AV1ChainDiffs = AV1ChainDiffs()
    ) {
        self.spatialID = spatialID
        self.temporalID = temporalID
        self.decodeTargetIndications = decodeTargetIndications
        self.frameDiffs = frameDiffs
        self.chainDiffs = chainDiffs
    }
}

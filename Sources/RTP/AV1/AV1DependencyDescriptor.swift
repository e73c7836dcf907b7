// AV1 RTP specification, appendix A: the Dependency Descriptor RTP header extension
// (https://aomediacodec.github.io/av1-rtp-spec/#dependency-descriptor-rtp-header-extension).
// It tells a forwarder, without reading the (possibly end-to-end encrypted) payload, which frame a
// packet belongs to, which frames that frame needs, and which decode targets it is part of.
//
//   mandatory_descriptor_fields   start_of_frame(1) end_of_frame(1) template_id(6) frame_number(16)
//   extended_descriptor_fields    (only when the extension is longer than 3 bytes)
//                                 structure_present(1) active_targets_present(1) custom_dtis(1)
//                                 custom_fdiffs(1) custom_chains(1) [structure] [active bitmask]
//   frame_dependency_definition   [custom DTIs] [custom fdiffs] [custom chain diffs]
//   zero_padding

/// One packet's Dependency Descriptor, with the frame's dependency definition already resolved
/// against the template dependency structure it refers to.
///
/// A plain value of fixed size: parsing one allocates nothing. The structure a packet carries is not
/// part of it (see `init(parsing:structure:)`); `carriesStructure` records that there was one.
public struct AV1DependencyDescriptor: Sendable, Equatable {
    /// start_of_frame: the packet's payload begins a frame.
    public var isStartOfFrame: Bool
    /// end_of_frame: the packet is the frame's last.
    public var isEndOfFrame: Bool
    /// frame_dependency_template_id (0–63): names a template, modulo 64 from the structure's
    /// template_id_offset. The same on every packet of a frame.
    public var templateID: UInt8
    /// frame_number: one more per frame in decode order, wrapping after 65535.
    public var frameNumber: UInt16
    /// template_dependency_structure_present_flag: the packet carries a structure (the first packet
    /// of a coded video sequence, i.e. of a key frame).
    public var carriesStructure: Bool
    /// active_decode_targets_bitmask when the packet carries one (bit i: decode target i is still
    /// sent), else nil. Without one, a packet that carries a structure makes every target active.
    public var activeDecodeTargets: UInt32?
    /// custom_dtis_flag: the frame's DTIs were sent rather than taken from the template.
    public var hasCustomDecodeTargetIndications: Bool
    /// custom_fdiffs_flag: the frame's frame diffs were sent rather than taken from the template.
    public var hasCustomFrameDiffs: Bool
    /// custom_chains_flag: the frame's chain diffs were sent rather than taken from the template.
    public var hasCustomChainDiffs: Bool
    /// The frame's dependency definition: its template's values with the custom ones in their place.
    public var frame: AV1FrameDependencies
    /// FrameMaxWidth / FrameMaxHeight: the render resolution of the frame's spatial layer, when the
    /// structure has resolutions.
    public var renderResolution: AV1RenderResolution?

    public init(
        isStartOfFrame: Bool, isEndOfFrame: Bool, templateID: UInt8, frameNumber: UInt16,
        frame: AV1FrameDependencies, carriesStructure: Bool = false, activeDecodeTargets: UInt32? = nil,
        hasCustomDecodeTargetIndications: Bool = false, hasCustomFrameDiffs: Bool = false,
        hasCustomChainDiffs: Bool = false, renderResolution: AV1RenderResolution? = nil
    ) {
        self.isStartOfFrame = isStartOfFrame
        self.isEndOfFrame = isEndOfFrame
        self.templateID = templateID
        self.frameNumber = frameNumber
        self.carriesStructure = carriesStructure
        self.activeDecodeTargets = activeDecodeTargets
        self.hasCustomDecodeTargetIndications = hasCustomDecodeTargetIndications
        self.hasCustomFrameDiffs = hasCustomFrameDiffs
        self.hasCustomChainDiffs = hasCustomChainDiffs
        self.frame = frame
        self.renderResolution = renderResolution
    }

    /// The frame's spatial layer (from its template).
    public var spatialID: UInt8 { frame.spatialID }
    /// The frame's temporal layer (from its template).
    public var temporalID: UInt8 { frame.temporalID }
}

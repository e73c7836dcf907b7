/// Why a set of templates cannot form a template dependency structure that the wire can carry.
public enum AV1TemplateStructureError: Error, Sendable, Equatable {
    /// template_id_offset is above 63.
    case templateIDOffsetOutOfRange
    /// The decode target count is outside 1–32.
    case decodeTargetCountOutOfRange
    /// There are no templates, or more than 64.
    case templateCountOutOfRange
    /// The templates are not in the order template_layers can express: the first is S0T0, and
    /// each next one keeps the layer, raises the temporal ID by one, or raises the spatial ID by one
    /// with temporal ID 0.
    case templateLayersNotEncodable
    /// A spatial ID above 3 or a temporal ID above 7.
    case layerOutOfRange
    /// A template's DTI count differs from the decode target count.
    case decodeTargetIndicationCountMismatch
    /// A template frame diff is above 16 (template fdiffs are 4 bits plus one).
    case templateFrameDiffOutOfRange
    /// The chain count is above the decode target count.
    case chainCountOutOfRange
    /// decode_target_protected_by has not one entry per decode target (with chains), or names a
    /// chain that does not exist, or has entries although there are no chains.
    case protectedByInvalid
    /// A template's chain diff count differs from the chain count, or a diff is above 15.
    case templateChainDiffInvalid
    /// The resolutions are not one per spatial layer, or a dimension is outside 1–65536.
    case resolutionsInvalid
}

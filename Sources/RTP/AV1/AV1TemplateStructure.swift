// A.8.2 template_dependency_structure: the templates, decode targets and chains of a coded video
// sequence. The first packet of every key frame carries it; every later packet names one of its
// templates by frame_dependency_template_id and overrides only what differs. So a receiver keeps
// the latest one per stream (AV1DependencyDescriptorReader does).
//
// Fixed-size tables (64 templates, 32 decode targets, 4 spatial layers) in one copy-on-write heap
// object (AV1TemplateTables): a copy of the value costs a retain, reads never copy the tables, and
// parsing into a value whose tables nobody else holds allocates nothing.

/// The templates, decode targets and chains of one coded video sequence.
public struct AV1TemplateStructure: Sendable, Equatable {
    /// Templates per structure: frame_dependency_template_id is 6 bits.
    public static let maxTemplates = 64
    /// Decode targets per structure: dt_cnt_minus_one is 5 bits.
    public static let maxDecodeTargets = 32
    /// Spatial layers: AV1's spatial_id is 2 bits.
    public static let maxSpatialLayers = 4
    /// Temporal layers: AV1's temporal_id is 3 bits.
    public static let maxTemporalLayers = 8

    /// template_id_offset: the frame_dependency_template_id of template 0 (0–63).
    public internal(set) var templateIDOffset: UInt8 = 0
    /// DtCnt, 1–32 (0 only in the empty placeholder the parser fills).
    public internal(set) var decodeTargetCount = 0
    /// TemplateCnt, 1–64.
    public internal(set) var templateCount = 0
    /// chain_cnt, 0 (no chains) to decodeTargetCount.
    public internal(set) var chainCount = 0
    /// Whether render_resolutions were sent (one per spatial layer).
    public internal(set) var hasRenderResolutions = false

    /// Read freely; write only after `makeTablesUnique()`.
    private(set) var tables = AV1TemplateTables()

    /// An empty placeholder (no templates) for the parser to fill. Allocates its tables.
    init() {}

    /// Gives this value its own tables before a write, copying them if another value shares them.
    mutating func makeTablesUnique() {
        if !isKnownUniquelyReferenced(&tables) { tables = AV1TemplateTables(copying: tables) }
    }

    /// MaxSpatialId: the spatial ID of the last template (template_layers only ever raises it).
    public var maxSpatialID: UInt8 { templateCount > 0 ? tables.templates[templateCount &- 1].spatialID : 0 }

    /// Template `index` (0 ..< templateCount): its layer, DTIs, frame diffs and chain diffs.
    public func template(at index: Int) -> AV1FrameDependencies {
        precondition(index >= 0 && index < templateCount, "template index out of range")
        return tables.templates[index]
    }

    /// The template index a frame_dependency_template_id names, counted modulo 64 from
    /// template_id_offset; nil when it falls outside the templates (A.8.2 frame_dependency_definition).
    @inline(__always)
    public func templateIndex(forID id: UInt8) -> Int? {
        guard id < 64 else { return nil }
        let index = (Int(id) &+ 64 &- Int(templateIDOffset)) & 63
        return index < templateCount ? index : nil
    }

    /// The frame_dependency_template_id of template `index`.
    public func templateID(at index: Int) -> UInt8 {
        UInt8(truncatingIfNeeded: (Int(templateIDOffset) &+ index) & 63)
    }

    /// decode_target_protected_by: the chain protecting decode target `target`, or nil without chains.
    public func chain(protecting target: Int) -> Int? {
        precondition(target >= 0 && target < decodeTargetCount, "decode target out of range")
        return chainCount > 0 ? Int(tables.protectedBy[target]) : nil
    }

    /// DecodeTargetSpatialId / DecodeTargetTemporalId: the highest spatial and temporal layer of
    /// any template present (DTI not `-`) in decode target `target` (A.8.2 decode_target_layers).
    public func layers(ofDecodeTarget target: Int) -> (spatialID: UInt8, temporalID: UInt8) {
        precondition(target >= 0 && target < decodeTargetCount, "decode target out of range")
        return (tables.targetSpatialIDs[target], tables.targetTemporalIDs[target])
    }

    /// The maximum render size of spatial layer `spatialID`, when the structure carries resolutions.
    public func renderResolution(spatialID: UInt8) -> AV1RenderResolution? {
        guard hasRenderResolutions, spatialID <= maxSpatialID else { return nil }
        return tables.resolutions[Int(spatialID)]
    }

    /// Bitmask with one bit per decode target: the active set a structure implies on its own (A.4).
    public var allDecodeTargets: UInt32 {
        decodeTargetCount >= 32 ? .max : (1 << UInt32(decodeTargetCount)) &- 1
    }

    /// Derives DecodeTargetSpatialId and DecodeTargetTemporalId from the templates' DTIs.
    /// The tables must be unique.
    func deriveDecodeTargetLayers() {
        for target in 0..<decodeTargetCount {
            var spatial: UInt8 = 0
            var temporal: UInt8 = 0
            for index in 0..<templateCount where tables.templates[index].decodeTargetIndications.code(at: target) != 0 {
                spatial = max(spatial, tables.templates[index].spatialID)
                temporal = max(temporal, tables.templates[index].temporalID)
            }
            tables.targetSpatialIDs[target] = spatial
            tables.targetTemporalIDs[target] = temporal
        }
    }

    /// Same structure: the fields a sender sends, compared (the derived layers follow from them).
    public static func == (lhs: AV1TemplateStructure, rhs: AV1TemplateStructure) -> Bool {
        guard lhs.templateIDOffset == rhs.templateIDOffset, lhs.decodeTargetCount == rhs.decodeTargetCount,
            lhs.templateCount == rhs.templateCount, lhs.chainCount == rhs.chainCount,
            lhs.hasRenderResolutions == rhs.hasRenderResolutions
        else { return false }
        if lhs.tables === rhs.tables { return true }
        for index in 0..<lhs.templateCount where lhs.tables.templates[index] != rhs.tables.templates[index] {
            return false
        }
        if lhs.chainCount > 0 {
            for target in 0..<lhs.decodeTargetCount where lhs.tables.protectedBy[target] != rhs.tables.protectedBy[target] {
                return false
            }
        }
        if lhs.hasRenderResolutions {
            for layer in 0...Int(lhs.maxSpatialID) where lhs.tables.resolutions[layer] != rhs.tables.resolutions[layer] {
                return false
            }
        }
        return true
    }
}

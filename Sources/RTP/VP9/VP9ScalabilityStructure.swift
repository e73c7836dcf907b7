// RFC 9628 §4.2.1: the scalability structure (SS) a VP9 payload descriptor carries when V = 1,
// usually on the first packet of a key picture: how many spatial layers there are, their
// resolutions, and the pattern of temporal layers and references (the picture group).

/// A decoded VP9 scalability structure, held inline so parsing allocates nothing.
///
/// ```
///        +-+-+-+-+-+-+-+-+
///   V:   | N_S |Y|G|-|-|-|
///        +-+-+-+-+-+-+-+-+              -\
///   Y:   |  WIDTH (16)   |               - N_S + 1 times
///        |  HEIGHT (16)  |              -/
///        +-+-+-+-+-+-+-+-+
///   G:   |      N_G      |
///        +-+-+-+-+-+-+-+-+                            -\
///   N_G: | TID |U| R |-|-|                             - N_G times
///        |    P_DIFF     |   (R times)                -/
///        +-+-+-+-+-+-+-+-+
/// ```
///
/// Bounds: N_S is 3 bits, so all 8 possible resolutions are kept. N_G may be up to 255 entries
/// of up to 4 bytes each; keeping them all inline would make every descriptor about 1 KB, so only
/// the first `pictureGroupCapacity` entries are kept. The rest are still parsed (their lengths
/// decide where the descriptor ends, and truncation there is still an error) but not stored;
/// `pictureGroupCount` says how many there were and `isPictureGroupComplete` whether all were kept.
/// Real encoders send at most a handful (L1T3 and L3T3 use 4), so the cut never bites in practice;
/// refusing such a descriptor would drop a well-formed key frame instead.
public struct VP9ScalabilityStructure: Sendable {
    /// The most spatial layers (N_S + 1, N_S being 3 bits) a structure can describe.
    public static let maxSpatialLayers = 8
    /// The most picture-group entries kept; see the type's documentation.
    public static let pictureGroupCapacity = 16

    /// N_S + 1: the number of spatial layers (1–8).
    public private(set) var spatialLayerCount: Int
    /// Y: each spatial layer's WIDTH and HEIGHT are present.
    public private(set) var hasResolutions: Bool
    /// G: the picture group is present (N_G and its entries).
    public private(set) var hasPictureGroup: Bool
    /// N_G: the number of pictures in the group (0 when G is clear).
    public private(set) var pictureGroupCount: Int
    /// Bytes of the structure, from its N_S byte on.
    public private(set) var length: Int

    private var widths = InlineArray<8, UInt16>(repeating: 0)
    private var heights = InlineArray<8, UInt16>(repeating: 0)
    private var entries = InlineArray<16, VP9PictureGroupEntry>(
        repeating: VP9PictureGroupEntry(temporalLayerID: 0, isSwitchingUp: false, referenceCount: 0, packedReferenceIndices: 0))

    /// How many picture-group entries are kept: `pictureGroupCount`, at most `pictureGroupCapacity`.
    public var storedPictureGroupCount: Int { Swift.min(pictureGroupCount, Self.pictureGroupCapacity) }
    /// Every entry of the picture group is kept.
    public var isPictureGroupComplete: Bool { pictureGroupCount <= Self.pictureGroupCapacity }

    /// The frame size of spatial layer `spatialLayer` (0 = lowest), or nil when Y is clear or the
    /// layer is not in the stream.
    public func resolution(ofSpatialLayer spatialLayer: Int) -> (width: UInt16, height: UInt16)? {
        guard hasResolutions, spatialLayer >= 0, spatialLayer < spatialLayerCount else { return nil }
        return (widths[spatialLayer], heights[spatialLayer])
    }

    /// The `index`th picture of the group, or nil past `storedPictureGroupCount`.
    public func pictureGroupEntry(at index: Int) -> VP9PictureGroupEntry? {
        guard index >= 0, index < storedPictureGroupCount else { return nil }
        return entries[index]
    }

    /// Parses the structure that starts at `start` in `payload`.
    @usableFromInline
    init(parsing payload: UnsafeRawBufferPointer, at start: Int) throws(VP9ParseError) {
        let count = payload.count
        guard start >= 0, count > start else { throw .scalabilityStructureTruncated }
        let header = payload.readUInt8(start)
        spatialLayerCount = Int(header >> 5) &+ 1
        hasResolutions = header & 0x10 != 0
        hasPictureGroup = header & 0x08 != 0
        pictureGroupCount = 0
        length = 0
        var offset = start &+ 1
        if hasResolutions {
            for layer in 0..<spatialLayerCount {
                guard count - offset >= 4 else { throw .resolutionTruncated }
                widths[layer] = payload.readUInt16(offset)
                heights[layer] = payload.readUInt16(offset &+ 2)
                offset &+= 4
            }
        }
        if hasPictureGroup {
            guard count > offset else { throw .pictureGroupTruncated }
            pictureGroupCount = Int(payload.readUInt8(offset))
            offset &+= 1
            for index in 0..<pictureGroupCount {
                guard count > offset else { throw .pictureGroupTruncated }
                let byte = payload.readUInt8(offset)
                let references = Int((byte >> 2) & 0x03)
                offset &+= 1
                guard count - offset >= references else { throw .pictureGroupTruncated }
                var packed: UInt32 = 0
                for reference in 0..<references {
                    packed |= UInt32(payload.readUInt8(offset &+ reference)) << (8 * reference)
                }
                offset &+= references
                if index < Self.pictureGroupCapacity {
                    entries[index] = VP9PictureGroupEntry(
                        temporalLayerID: byte >> 5, isSwitchingUp: byte & 0x10 != 0,
                        referenceCount: references, packedReferenceIndices: packed)
                }
            }
        }
        length = offset &- start
    }
}

extension VP9ScalabilityStructure: Equatable {
    /// Equal when they describe the same stream: unused resolution and entry slots do not count.
    public static func == (lhs: Self, rhs: Self) -> Bool {
        guard lhs.spatialLayerCount == rhs.spatialLayerCount, lhs.hasResolutions == rhs.hasResolutions,
            lhs.hasPictureGroup == rhs.hasPictureGroup, lhs.pictureGroupCount == rhs.pictureGroupCount,
            lhs.length == rhs.length
        else { return false }
        for layer in 0..<lhs.spatialLayerCount where lhs.hasResolutions {
            guard lhs.widths[layer] == rhs.widths[layer], lhs.heights[layer] == rhs.heights[layer] else { return false }
        }
        for index in 0..<lhs.storedPictureGroupCount where lhs.entries[index] != rhs.entries[index] {
            return false
        }
        return true
    }
}

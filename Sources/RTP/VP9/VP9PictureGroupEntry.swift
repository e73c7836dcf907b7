// RFC 9628 §4.2.1: one picture of the picture group (PG) a scalability structure describes.

/// One picture of a VP9 picture group: its temporal layer, whether it is a switching-up point, and
/// up to three references, as PictureID differences. Packed into plain integers so a
/// `VP9ScalabilityStructure` can keep a fixed number of them inline, without allocating.
public struct VP9PictureGroupEntry: Sendable, Equatable {
    /// The most references (R is 2 bits) an entry can carry.
    public static let maxReferenceCount = 3

    /// TID: the picture's temporal layer (0–7).
    public var temporalLayerID: UInt8
    /// U: a switching-up point, from which a receiver may start decoding this temporal layer.
    public var isSwitchingUp: Bool
    /// R: how many P_DIFFs follow (0–3).
    public var referenceCount: Int
    /// The P_DIFFs, the first in the low byte.
    @usableFromInline var packedReferenceIndices: UInt32

    /// An entry from plain values; P_DIFFs beyond the first three are ignored.
    public init(temporalLayerID: UInt8, isSwitchingUp: Bool, referenceIndices: [UInt8] = []) {
        self.temporalLayerID = temporalLayerID
        self.isSwitchingUp = isSwitchingUp
        referenceCount = Swift.min(referenceIndices.count, Self.maxReferenceCount)
        packedReferenceIndices = 0
        for (index, value) in referenceIndices.prefix(Self.maxReferenceCount).enumerated() {
            packedReferenceIndices |= UInt32(value) << (8 * index)
        }
    }

    @usableFromInline
    init(temporalLayerID: UInt8, isSwitchingUp: Bool, referenceCount: Int, packedReferenceIndices: UInt32) {
        self.temporalLayerID = temporalLayerID
        self.isSwitchingUp = isSwitchingUp
        self.referenceCount = referenceCount
        self.packedReferenceIndices = packedReferenceIndices
    }

    /// The `index`th P_DIFF (how many pictures back the reference is), or nil past `referenceCount`.
    @inlinable
    public func referenceIndex(at index: Int) -> UInt8? {
        guard index >= 0, index < referenceCount else { return nil }
        return UInt8(truncatingIfNeeded: packedReferenceIndices >> (8 * index))
    }
}

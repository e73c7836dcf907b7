// What AV1DependencyDescriptorReader makes of one packet: the packet's descriptor plus the stream
// state it implies (the active decode targets in effect, and whether the structure changed).

/// One packet's frame, as a forwarder needs it.
public struct AV1FrameDescription: Sendable, Equatable {
    /// The packet's descriptor, resolved against the structure in effect.
    public var descriptor: AV1DependencyDescriptor
    /// The active decode targets after this packet (bit i: decode target i is still sent): the last
    /// explicit bitmask, or all targets since the last structure when none came after it (A.4).
    public var activeDecodeTargets: UInt32
    /// The packet carried a structure that differs from the one known before (or was the first).
    public var structureChanged: Bool

    public init(descriptor: AV1DependencyDescriptor, activeDecodeTargets: UInt32, structureChanged: Bool) {
        self.descriptor = descriptor
        self.activeDecodeTargets = activeDecodeTargets
        self.structureChanged = structureChanged
    }

    /// frame_dependency_template_id.
    public var templateID: UInt8 { descriptor.templateID }
    /// frame_number.
    public var frameNumber: UInt16 { descriptor.frameNumber }
    /// The frame's spatial layer.
    public var spatialID: UInt8 { descriptor.frame.spatialID }
    /// The frame's temporal layer.
    public var temporalID: UInt8 { descriptor.frame.temporalID }
    /// The frame's indication for each decode target.
    public var decodeTargetIndications: AV1DecodeTargetIndications { descriptor.frame.decodeTargetIndications }
    /// The frames this one refers to, as distances back in frame_number.
    public var frameDiffs: AV1FrameDiffs { descriptor.frame.frameDiffs }
    /// Per chain, the distance back to the chain's previous frame.
    public var chainDiffs: AV1ChainDiffs { descriptor.frame.chainDiffs }
    /// The packet begins its frame.
    public var isStartOfFrame: Bool { descriptor.isStartOfFrame }
    /// The packet ends its frame.
    public var isEndOfFrame: Bool { descriptor.isEndOfFrame }
    /// The packet carried a template dependency structure (changed or not).
    public var carriesStructure: Bool { descriptor.carriesStructure }
}

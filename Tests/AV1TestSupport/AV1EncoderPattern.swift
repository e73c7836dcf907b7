// The layer frames libwebrtc's AV1 encoder emits for the example structures, in order, so tests
// can drive a forwarder with realistic streams rather than hand-picked descriptors.
//
// Every mode here repeats a four-temporal-unit cycle after a key frame: T0, T2, T1, T2, each
// temporal unit carrying one frame per spatial layer, low to high, and every layer frame taking the
// next frame_number. The templates' frame diffs (4 or 12 back for T0, 2 or 6 for T1, 1 or 3 for
// T2) assume exactly that numbering.

public import RTP

/// A scalability mode of `AV1Structures`, with the template each layer frame uses.
public enum AV1ScalabilityMode: Sendable, CaseIterable {
    case l1t3, l3t3, l3t3Key, s3t3

    /// The mode's structure from `AV1Structures` (with the 180/360/720 render resolutions for the
    /// three-layer modes).
    public func structure(offset: UInt8 = 0) throws -> AV1TemplateStructure {
        switch self {
        case .l1t3: try AV1Structures.l1t3(offset: offset, resolutions: [AV1Structures.resolutions720p[2]])
        case .l3t3: try AV1Structures.l3t3(offset: offset)
        case .l3t3Key: try AV1Structures.l3t3Key(offset: offset, resolutions: AV1Structures.resolutions720p)
        case .s3t3: try AV1Structures.s3t3(offset: offset, resolutions: AV1Structures.resolutions720p)
        }
    }

    public var spatialLayers: Int { self == .l1t3 ? 1 : 3 }

    /// The decode target of spatial layer `spatial` up to temporal layer `temporal`.
    public func decodeTarget(spatial: Int, temporal: Int) -> Int {
        switch self {
        case .l1t3: 2 - temporal
        case .l3t3: 3 * (2 - spatial) + (2 - temporal)
        case .l3t3Key, .s3t3: 3 * spatial + temporal
        }
    }

    /// The template index of spatial layer `spatial`'s frame in a temporal unit `position` units
    /// after the last key frame (0: the key frame itself).
    func templateIndex(spatial: Int, position: Int) -> Int {
        // Per spatial layer, five templates: key, T0, T1, first T2, second T2 (S3T3 lists T0 before key).
        let slot: Int
        switch position % 4 {
        case 0: slot = position == 0 ? 0 : 1
        case 1: slot = 3
        case 2: slot = 2
        default: slot = 4
        }
        if self == .s3t3 && slot < 2 { return 5 * spatial + 1 - slot }
        return 5 * spatial + slot
    }
}

/// One layer frame as the encoder describes it: its whole-frame descriptor (start and end set)
/// and where it sits in the pattern.
public struct AV1LayerFrame: Sendable {
    public var descriptor: AV1DependencyDescriptor
    /// The structure the descriptor refers to (and carries, on a key frame's first layer frame).
    public var structure: AV1TemplateStructure
    /// Part of a key frame (a temporal unit that starts a new coded video sequence).
    public var isKeyFrame: Bool
    /// Temporal units since the key frame.
    public var position: Int
    public var spatialID: Int { Int(descriptor.spatialID) }
    public var temporalID: Int { Int(descriptor.temporalID) }
    public var frameNumber: UInt16 { descriptor.frameNumber }

    /// The descriptors of the frame's `count` packets: start of frame on the first, end on the
    /// last; the structure and the active decode targets only on the first, as libwebrtc sends them.
    public func packets(_ count: Int) -> [AV1DependencyDescriptor] {
        precondition(count >= 1)
        return (0..<count).map { index in
            var packet = descriptor
            packet.isStartOfFrame = index == 0
            packet.isEndOfFrame = index == count - 1
            if index > 0 {
                packet.carriesStructure = false
                packet.activeDecodeTargets = nil
            }
            return packet
        }
    }
}

/// Generates the layer frames of one encoder: a key frame first, then the periodic pattern, with a
/// key frame (or a new structure) whenever asked.
public struct AV1EncoderPattern: Sendable {
    public let mode: AV1ScalabilityMode
    public private(set) var structure: AV1TemplateStructure
    /// The frame_number the next layer frame gets.
    public var nextFrameNumber: UInt16
    /// The active decode targets to announce (on the first packet of every frame), nil for none:
    /// every target of the structure is then active. Frames of no active target are not encoded,
    /// but their frame numbers are used up, so the templates' frame diffs stay right.
    public var activeDecodeTargets: UInt32?
    /// Temporal units since the last key frame; 0 makes the next one a key frame.
    private var position = 0

    public init(mode: AV1ScalabilityMode, offset: UInt8 = 0, firstFrameNumber: UInt16 = 0) throws {
        self.mode = mode
        structure = try mode.structure(offset: offset)
        nextFrameNumber = firstFrameNumber
    }

    /// Makes the next temporal unit a key frame.
    public mutating func requestKeyFrame() { position = 0 }

    /// Switches to `structure` (a new coded video sequence) at the next temporal unit, a key frame.
    public mutating func replaceStructure(_ structure: AV1TemplateStructure) {
        self.structure = structure
        activeDecodeTargets = nil
        position = 0
    }

    /// The layer frames of the next temporal unit, lowest spatial layer first.
    public mutating func nextTemporalUnit() -> [AV1LayerFrame] {
        var frames: [AV1LayerFrame] = []
        for spatial in 0..<mode.spatialLayers {
            let index = mode.templateIndex(spatial: spatial, position: position)
            let template = structure.template(at: index)
            let number = nextFrameNumber
            nextFrameNumber &+= 1
            let active = activeDecodeTargets ?? structure.allDecodeTargets
            guard template.decodeTargetIndications.presentTargets & active != 0 else { continue }
            // The structure rides on the key frame's first packet, whichever layer that is.
            let carries = position == 0 && frames.isEmpty
            let descriptor = AV1DependencyDescriptor(
                isStartOfFrame: true, isEndOfFrame: true, templateID: structure.templateID(at: index), frameNumber: number,
                frame: template, carriesStructure: carries, activeDecodeTargets: activeDecodeTargets,
                renderResolution: structure.renderResolution(spatialID: UInt8(spatial)))
            frames.append(AV1LayerFrame(descriptor: descriptor, structure: structure, isKeyFrame: position == 0, position: position))
        }
        position += 1
        return frames
    }
}

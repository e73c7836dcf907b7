// The receive side of the Dependency Descriptor for one RTP stream (one SSRC): keeps the latest
// template dependency structure, which only the first packet of a key frame carries, and the active
// decode targets (A.4), and turns each packet's extension bytes into an AV1FrameDescription.
//
// Packets are taken in arrival order. A.4 says an active-decode-targets update holds until the next
// one in sequence-number order; a reordered older packet that carries one overrides a newer one here.
// Senders repeat the bitmask until it is acknowledged, so that window is short.

/// Per-stream Dependency Descriptor state: the current structure and a spare one whose tables the
/// next structure is parsed into, so that in the steady state (two ~7 KB tables, allocated by the
/// first two structures) no packet allocates. Holding a copy of `structure` outside the reader makes
/// the next structure allocate fresh tables instead (copy on write).
public struct AV1DependencyDescriptorReader: Sendable {
    /// The latest structure received, nil before the first.
    public private(set) var structure: AV1TemplateStructure?
    /// The active decode targets in effect (0 before the first structure).
    public private(set) var activeDecodeTargets: UInt32 = 0
    /// The structure before the current one (or a half-parsed one), kept for its tables.
    private var spare: AV1TemplateStructure?

    public init() {}

    /// Reads one packet's Dependency Descriptor extension data. On an error the state is unchanged.
    public mutating func read(_ bytes: UnsafeRawBufferPointer) throws(AV1DependencyDescriptorError) -> AV1FrameDescription {
        // Only then is the previous structure kept (a retain) to tell whether the new one differs.
        let previous = Self.mayCarryStructure(bytes) ? structure : nil
        let descriptor = try AV1DependencyDescriptor(parsing: bytes, structure: &structure, spare: &spare)
        var changed = false
        if descriptor.carriesStructure {
            changed = previous != structure
            if descriptor.activeDecodeTargets == nil { activeDecodeTargets = structure!.allDecodeTargets }
        }
        if let explicit = descriptor.activeDecodeTargets { activeDecodeTargets = explicit }
        return AV1FrameDescription(descriptor: descriptor, activeDecodeTargets: activeDecodeTargets, structureChanged: changed)
    }

    /// Whether reading `bytes` may replace the structure: its flag, the first extended bit (byte 3,
    /// high bit), is set.
    @inline(__always)
    public static func mayCarryStructure(_ bytes: UnsafeRawBufferPointer) -> Bool {
        bytes.count > 3 && bytes[3] & 0x80 != 0
    }

    /// Forgets the structure and the active decode targets, as for a new stream.
    public mutating func reset() {
        structure = nil
        activeDecodeTargets = 0
    }
}

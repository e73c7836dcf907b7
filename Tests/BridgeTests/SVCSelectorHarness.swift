import AV1TestSupport
@testable import Bridge
import RTP

/// One sender's SVC stream into one receiver's `DecodeTargetSelector`: an encoder pattern's layer
/// frames, split into packets whose dependency descriptors are written as on the wire and read
/// back by the sender-side `DependencyDescriptorStream`, as the engine does.
struct SVCSelectorHarness {
    /// What the selector decided for one layer frame.
    struct Decision {
        var frame: AV1LayerFrame
        var verdicts: [VideoSourceProjection.Verdict]
        /// Per packet: whether the receiver's copy gets the marker bit.
        var markers: [Bool]

        var isForwarded: Bool { verdicts.allSatisfy { if case .forward = $0 { true } else { false } } }
        var isDropped: Bool { verdicts.allSatisfy { $0 == .dropIntentionally } }
        var isIgnored: Bool { verdicts.allSatisfy { $0 == .ignore } }
        /// The frame began the receiver's outgoing stream.
        var startsStream: Bool { verdicts.first == .forward(switched: true) }
        var layer: Layer { Layer(frame.spatialID, frame.temporalID) }
    }

    /// A (spatial, temporal) pair, comparable in tests.
    struct Layer: Equatable, CustomStringConvertible {
        var spatial: Int
        var temporal: Int
        init(_ spatial: Int, _ temporal: Int) {
            self.spatial = spatial
            self.temporal = temporal
        }
        var description: String { "S\(spatial)T\(temporal)" }
    }

    var encoder: AV1EncoderPattern
    var stream = DependencyDescriptorStream()
    var selector = DecodeTargetSelector()
    var packetsPerFrame: Int
    /// Every frame number the receiver got, to check that what it got is decodable.
    private(set) var forwardedFrameNumbers: Set<UInt16> = []
    /// Every frame number the encoder produced.
    private(set) var producedFrameNumbers: [UInt16] = []

    /// Frame numbers start just below the wrap, so every run crosses 65535 → 0.
    init(_ mode: AV1ScalabilityMode, firstFrameNumber: UInt16 = 65_527, packetsPerFrame: Int = 3) throws {
        encoder = try AV1EncoderPattern(mode: mode, firstFrameNumber: firstFrameNumber)
        self.packetsPerFrame = packetsPerFrame
    }

    /// Sends the next temporal unit; returns what was decided for each of its layer frames.
    @discardableResult
    mutating func temporalUnit() throws -> [Decision] {
        try encoder.nextTemporalUnit().map { try send($0) }
    }

    /// Sends `count` temporal units; returns the decisions, one list per unit.
    @discardableResult
    mutating func temporalUnits(_ count: Int) throws -> [[Decision]] {
        try (0..<count).map { _ in try temporalUnit() }
    }

    /// Sends one layer frame; `between` runs after its first packet (a change in mid-frame).
    mutating func send(_ frame: AV1LayerFrame, between: ((inout DecodeTargetSelector) -> Void)? = nil) throws -> Decision {
        producedFrameNumbers.append(frame.frameNumber)
        var decision = Decision(frame: frame, verdicts: [], markers: [])
        for (index, packet) in frame.packets(packetsPerFrame).enumerated() {
            if index == 1, let between { between(&selector) }
            let bytes = try writeDD(packet, frame.structure)
            let description = try bytes.withUnsafeBytes { buffer throws(AV1DependencyDescriptorError) in
                try stream.read(buffer)
            }
            let verdict = selector.select(description, structure: stream.structure!, generation: stream.generation)
            decision.verdicts.append(verdict)
            let forwarded = if case .forward = verdict { true } else { false }
            decision.markers.append(forwarded && selector.endsForwardedTemporalUnit(description))
        }
        if decision.isForwarded { forwardedFrameNumbers.insert(frame.frameNumber) }
        return decision
    }

    /// The frames the receiver got whose references it did not get (none, if it can decode all).
    func undecodable(_ decisions: [Decision]) -> [Decision] {
        decisions.filter { decision in
            guard decision.isForwarded else { return false }
            let diffs = decision.frame.descriptor.frame.frameDiffs
            return (0..<diffs.count).contains { !forwardedFrameNumbers.contains(decision.frame.frameNumber &- diffs[$0]) }
        }
    }
}

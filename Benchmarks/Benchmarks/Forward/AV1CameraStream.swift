import RTP

/// A camera's AV1 video as libwebrtc sends it in L3T3_KEY: three spatial layers (320×180, 640×360,
/// 1280×720) and three temporal layers on one SSRC, told apart only by the dependency descriptor
/// (two-byte header extension id 11; payload type 41). Each temporal unit has one frame per spatial
/// layer, lowest first, each in several packets, and the marker bit on the last packet of the S2
/// frame. The first temporal unit is a key frame, whose first packet carries the template structure
/// (with the render resolutions the bridge takes the layers' heights from); then the cycle T0, T2,
/// T1, T2, every layer frame taking the next frame_number (which wraps early in the warm-up).
///
/// The benchmarks need this shape: the bridge selects layers per receiver from the descriptor alone,
/// and, L3T3_KEY's spatial layers depending on each other only in the key frame, forwards each
/// receiver one spatial layer per temporal unit after it.
///
/// The packets of the key temporal unit and of the cycle's four are built once, descriptors
/// written by the RTP module's own writer; `writeNext` copies one and patches its sequence number,
/// timestamp and frame_number, so it allocates nothing.
final class AV1CameraStream: CameraStream {
    static let payloadType: UInt8 = 41
    static let dependencyDescriptorID: UInt8 = 11
    /// RTP header (12), two-byte extension block header (4), sdes:mid "1" (3), descriptor id and length (2).
    static let descriptorOffset = 21

    /// The spatial layers, lowest first.
    let layers: [CameraLayer]
    let ssrc: UInt32
    let packetsPerFrame: Int
    /// Every packet of the key temporal unit, then those of the cycle's four, back to back.
    private let packets: [UInt8]
    /// Where each packet of `packets` starts, and one more entry for the end of the last.
    private let packetStarts: [Int]
    /// The spatial layer of each packet of a temporal unit (the same in every unit).
    private let packetLayers: [Int]
    private var sequence: UInt16
    /// frame_number of the current temporal unit's S0 frame.
    private var unitFrameNumber: UInt16 = 65_000
    private var temporalUnit = 0
    private var packetIndex = 0

    /// Three layers at the render resolutions of a 720p camera, 2, 3 and 5 packets per layer frame
    /// (10 per temporal unit, so 1000 packets are exactly 100 units), ~1.9 Mbit/s in all.
    static func l3t3Key(ssrc: UInt32) throws -> AV1CameraStream {
        try AV1CameraStream(ssrc: ssrc, layers: [
            CameraLayer(width: 320, height: 180, packetsPerFrame: 2, payloadBytes: 400),
            CameraLayer(width: 640, height: 360, packetsPerFrame: 3, payloadBytes: 700),
            CameraLayer(width: 1280, height: 720, packetsPerFrame: 5, payloadBytes: 1000),
        ])
    }

    /// The non-key templates of a spatial layer in template order (T0, T1, first T2, second T2):
    /// temporal layer, DTIs of the layer's three decode targets, temporal units back to the frame it
    /// refers to, and since the layer's previous T0 frame (the end of its chain).
    private static let cycleSlots: [(temporal: UInt8, ownDTIs: String, unitsBack: Int, unitsSinceT0: Int)] = [
        (0, "SSS", 4, 4), (1, "-DS", 2, 2), (2, "--D", 1, 1), (2, "--D", 1, 3),
    ]
    /// The template slot of each temporal unit after the key frame, by its position modulo 4.
    private static let slotByPosition = [1, 3, 2, 4]

    init(ssrc: UInt32, layers: [CameraLayer]) throws {
        self.layers = layers
        self.ssrc = ssrc
        packetsPerFrame = layers.reduce(0) { $0 + $1.packetsPerFrame }
        sequence = UInt16(truncatingIfNeeded: ssrc &* 7)
        let structure = try AV1TemplateStructure(
            templateIDOffset: 0, decodeTargetCount: 3 * layers.count, chainCount: layers.count,
            decodeTargetProtectedBy: (0..<3 * layers.count).map { UInt8($0 / 3) },
            templates: Self.templates(spatialLayers: layers.count),
            renderResolutions: layers.map { AV1RenderResolution(width: $0.width, height: $0.height) })
        var packets: [UInt8] = []
        var starts: [Int] = []
        for slot in [0] + Self.slotByPosition {
            for (spatial, layer) in layers.enumerated() {
                let index = 5 * spatial + slot
                for part in 0..<layer.packetsPerFrame {
                    let descriptor = AV1DependencyDescriptor(
                        isStartOfFrame: part == 0, isEndOfFrame: part == layer.packetsPerFrame - 1,
                        templateID: structure.templateID(at: index), frameNumber: 0, frame: structure.template(at: index),
                        carriesStructure: slot == 0 && spatial == 0 && part == 0)
                    starts.append(packets.count)
                    packets += try Self.packet(
                        ssrc: ssrc, descriptor: descriptor, structure: structure, layer: layer,
                        marker: spatial == layers.count - 1 && part == layer.packetsPerFrame - 1,
                        newSequence: descriptor.carriesStructure)
                }
            }
        }
        starts.append(packets.count)
        self.packets = packets
        packetStarts = starts
        packetLayers = layers.enumerated().flatMap { spatial, layer in Array(repeating: spatial, count: layer.packetsPerFrame) }
    }

    /// L3T3_KEY's templates as libwebrtc describes them, five per spatial layer (key, T0, T1, first
    /// T2, second T2): decode target 3·S + T, chain S protecting spatial layer S. A key frame's
    /// upper layers refer to the layer below; every other frame only to its own layer, T0 to the T0
    /// four units back, T1 to the T0 two back, T2 to the frame one back. Frame numbers advance by
    /// one per layer frame, so a unit is `spatialLayers` frame numbers.
    static func templates(spatialLayers: Int) -> [AV1FrameDependencies] {
        var templates: [AV1FrameDependencies] = []
        for spatial in 0..<spatialLayers {
            let before = String(repeating: "-", count: 3 * spatial)
            let after = String(repeating: "-", count: 3 * (spatialLayers - 1 - spatial))
            let keyChains = (0..<spatialLayers).map { chain in chain < spatial ? spatial - chain : min(spatial, 1) }
            templates.append(template(
                spatial, 0, before + String(repeating: "S", count: 3 * (spatialLayers - spatial)),
                frameDiffs: spatial == 0 ? [] : [1], chains: keyChains))
            for slot in cycleSlots {
                // A T0 frame's lower layers were just sent in the same unit; all else is whole units back.
                let chains = (0..<spatialLayers).map { chain in
                    slot.temporal == 0 && chain < spatial ? spatial - chain : spatialLayers * slot.unitsSinceT0 + spatial - chain
                }
                templates.append(template(
                    spatial, slot.temporal, before + slot.ownDTIs + after,
                    frameDiffs: [spatialLayers * slot.unitsBack], chains: chains))
            }
        }
        return templates
    }

    private static func template(_ spatial: Int, _ temporal: UInt8, _ dtis: String, frameDiffs: [Int], chains: [Int]) -> AV1FrameDependencies {
        AV1FrameDependencies(
            spatialID: UInt8(spatial), temporalID: temporal, decodeTargetIndications: AV1DecodeTargetIndications(symbols: dtis)!,
            frameDiffs: AV1FrameDiffs(frameDiffs.map { UInt16($0) })!, chainDiffs: AV1ChainDiffs(chains.map { UInt8($0) })!)
    }

    /// One packet with sequence number, timestamp and frame_number 0: RTP header, two-byte
    /// extensions sdes:mid "1" (id 10) and the descriptor, then the AV1 aggregation header (Z and Y
    /// for a frame's continued OBU, W = 1, N on a key frame's first packet) and filler.
    private static func packet(
        ssrc: UInt32, descriptor: AV1DependencyDescriptor, structure: AV1TemplateStructure, layer: CameraLayer,
        marker: Bool, newSequence: Bool
    ) throws -> [UInt8] {
        var written = [UInt8](repeating: 0, count: 512)
        let count = try written.withUnsafeMutableBytes { try descriptor.write(into: $0, structure: structure) }
        precondition(count <= 255, "a two-byte extension element holds 255 bytes")
        var extensions: [UInt8] = [10, 1, 0x31, dependencyDescriptorID, UInt8(count)] + written.prefix(count)
        while extensions.count % 4 != 0 { extensions.append(0) }
        let words = extensions.count / 4
        let header: [UInt8] = [
            0x90, (marker ? 0x80 : 0) | payloadType, 0, 0, 0, 0, 0, 0,
            UInt8(truncatingIfNeeded: ssrc >> 24), UInt8(truncatingIfNeeded: ssrc >> 16),
            UInt8(truncatingIfNeeded: ssrc >> 8), UInt8(truncatingIfNeeded: ssrc),
            0x10, 0x00, UInt8(words >> 8), UInt8(truncatingIfNeeded: words),
        ]
        let aggregation: UInt8 =
            (descriptor.isStartOfFrame ? 0 : 0x80) | (descriptor.isEndOfFrame ? 0 : 0x40) | 0x10 | (newSequence ? 0x08 : 0)
        return header + extensions + [aggregation] + [UInt8](repeating: 0x5A, count: layer.payloadBytes - 1)
    }

    var isAtFrameStart: Bool { packetIndex == 0 }

    @inline(__always)
    func writeNext(into buffer: UnsafeMutableRawBufferPointer) -> (length: Int, layer: Int) {
        let unit = temporalUnit == 0 ? 0 : 1 + temporalUnit % Self.slotByPosition.count
        let index = unit * packetsPerFrame + packetIndex
        let start = packetStarts[index]
        let length = packetStarts[index + 1] - start
        let layer = packetLayers[packetIndex]
        let p = buffer.baseAddress!
        packets.withUnsafeBytes { p.copyMemory(from: $0.baseAddress! + start, byteCount: length) }
        sequence &+= 1
        p.storeBytes(of: sequence.bigEndian, toByteOffset: 2, as: UInt16.self)
        p.storeBytes(of: (UInt32(truncatingIfNeeded: temporalUnit) &* Self.frameTicks).bigEndian, toByteOffset: 4, as: UInt32.self)
        p.storeBytes(of: (unitFrameNumber &+ UInt16(layer)).bigEndian, toByteOffset: Self.descriptorOffset + 1, as: UInt16.self)

        packetIndex += 1
        if packetIndex == packetsPerFrame {
            packetIndex = 0
            temporalUnit += 1
            unitFrameNumber &+= UInt16(layers.count)
        }
        return (length, layer)
    }
}

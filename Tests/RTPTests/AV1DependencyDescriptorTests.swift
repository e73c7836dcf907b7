import Testing

@testable import RTP

/// The Dependency Descriptor RTP header extension (AV1 RTP specification, appendix A): bit fields,
/// template dependency structures, frame definitions, the per-stream reader and the writer.
@Suite struct AV1DependencyDescriptorTests {
    // MARK: - Bit fields (A.8.2 f(n) and ns(n))

    /// The ns(5) table of A.8.2: 0–2 take two bits, 3 and 4 three.
    @Test func nonSymmetricMatchesTheSpecificationTable() throws {
        let table: [(value: UInt32, bits: String)] = [(0, "00"), (1, "01"), (2, "10"), (3, "110"), (4, "111")]
        for (value, bits) in table {
            let bytes = bitBytes(bits)
            let read = try bytes.withUnsafeBytes { buffer in
                var reader = AV1BitReader(buffer)
                let decoded = try reader.readNonSymmetric(5)
                #expect(reader.position == bits.count, "ns(5) of \(value) reads \(bits.count) bits")
                return decoded
            }
            #expect(read == value)
            let written = try bitsWritten { (writer: inout AV1BitWriter) throws(AV1DependencyDescriptorWriteError) in
                try writer.writeNonSymmetric(value, 5)
            }
            #expect(written == bytes)
        }
    }

    /// Every value of every alphabet the descriptor uses (ns(DtCnt + 1) up to 33, ns(chain_cnt) up to
    /// 32) reads back, in the width the formula gives; ns(1) takes no bits at all.
    @Test func nonSymmetricRoundTripsEveryValue() throws {
        for n in 1...33 {
            let width = Int.bitWidth - n.leadingZeroBitCount
            let m = (1 << width) - n
            for value in 0..<n {
                var buffer = [UInt8](repeating: 0xFF, count: 8)
                let (written, read, consumed) = try buffer.withUnsafeMutableBytes { raw in
                    var writer = AV1BitWriter(raw)
                    try? writer.writeNonSymmetric(UInt32(value), n)
                    try? writer.write(0b101, bits: 3)  // a marker after the field
                    var reader = AV1BitReader(UnsafeRawBufferPointer(raw))
                    let read = try reader.readNonSymmetric(n)
                    #expect(try reader.read(3) == 0b101)
                    return (writer.position - 3, read, reader.position - 3)
                }
                let expected = n == 1 ? 0 : value < m ? width - 1 : width
                #expect(read == UInt32(value) && written == expected && consumed == expected, "ns(\(n)) of \(value)")
            }
        }
    }

    /// f(n) reads across byte boundaries, high bit first, up to 32 bits, and refuses to run past the end.
    @Test func fixedWidthFieldsSpanBytesAndStopAtTheEnd() throws {
        let bytes: [UInt8] = [0b1011_0011, 0x12, 0x34, 0x56, 0x78, 0x9A]
        let whole = bytes.withUnsafeBytes { Self.readFields([1, 3, 0, 12, 32, 1], from: $0) }
        #expect(whole.fields == [1, 0b011, 0, 0x312, 0x3456_789A] && whole.error == .truncated)
        let overrun = bytes.withUnsafeBytes { Self.readFields([20, 29], from: $0) }
        #expect(overrun.fields == [0xB3123] && overrun.error == .truncated)
    }

    /// Reads fields of the given widths until one fails; the values read and the failure.
    static func readFields(
        _ widths: [Int], from buffer: UnsafeRawBufferPointer
    ) -> (fields: [UInt32], error: AV1DependencyDescriptorError?) {
        var reader = AV1BitReader(buffer)
        var fields: [UInt32] = []
        do throws(AV1DependencyDescriptorError) {
            for width in widths { fields.append(try reader.read(width)) }
        } catch {
            return (fields, error)
        }
        return (fields, nil)
    }

    // MARK: - L1T3 by hand, bit by bit

    /// The first packet of an L1T3 key frame, built field by field from A.8.2 with the A.10.2.1
    /// templates, template_id_offset 62 (so ids wrap: 62, 63, 0, 1, 2) and a 1280x720 resolution.
    static let l1t3KeyFrameBits = """
        1 0 111110 0001001000110100      # start, not end, template id 62, frame_number 0x1234
        1 0 0 0 0                        # structure present, nothing else
        111110 00010                     # template_id_offset 62, dt_cnt_minus_one 2
        00 01 01 00 11                   # next_layer_idc: T0 T0 T1 T2 T2
        101010 101010 100100 010000 010000   # DTIs: SSS SSS SD- D-- D--
        0 10011 0 10001 0 10000 0 10000 0    # fdiffs: none, 4, 2, 1, 1
        01                               # chain_cnt = ns(4) = 1; protected_by = ns(1), no bits
        0000 0100 0010 0001 0011         # chain diffs 0 4 2 1 3
        1 0000010011111111 0000001011001111  # resolutions: 1279 + 1, 719 + 1
        """
    static let l1t3KeyFrame = hex("be 12 34 87 c2 14 ea aa 44 10 4d 14 10 20 84 27 04 ff 02 cf")

    /// A later packet: template id 63 (index 1), active decode targets 0b011, custom DTIs, custom
    /// fdiffs 5 (one nibble) and 300 (three nibbles), custom chain diff 5.
    static let l1t3CustomBits = """
        1 1 111111 0001001000111001      # start and end, template id 63, frame_number 0x1239
        0 1 1 1 1                        # active targets, custom DTIs, fdiffs and chains
        011                              # active_decode_targets_bitmask (DtCnt = 3 bits)
        10 10 00                         # DTIs S S -
        01 0100 11 000100101011 00       # fdiff 5 (size 1), fdiff 300 (size 3), end
        00000101                         # chain diff 5
        """
    static let l1t3Custom = hex("ff 12 39 7b a1 4c 4a c0 50")

    @Test func handBuiltL1T3KeyFrameParsesFieldByField() throws {
        #expect(bitBytes(Self.l1t3KeyFrameBits) == Self.l1t3KeyFrame)
        var structure: AV1TemplateStructure?
        let descriptor = try parseDD(Self.l1t3KeyFrame, &structure)
        #expect(descriptor.isStartOfFrame && !descriptor.isEndOfFrame)
        #expect(descriptor.templateID == 62 && descriptor.frameNumber == 0x1234)
        #expect(descriptor.carriesStructure && descriptor.activeDecodeTargets == nil)
        #expect(!descriptor.hasCustomDecodeTargetIndications && !descriptor.hasCustomFrameDiffs && !descriptor.hasCustomChainDiffs)
        #expect(descriptor.frame == AV1Structures.l1t3Templates[0])
        #expect(descriptor.renderResolution == AV1RenderResolution(width: 1280, height: 720))

        let parsed = try #require(structure)
        #expect(parsed.templateIDOffset == 62 && parsed.decodeTargetCount == 3)
        #expect(parsed.templateCount == 5 && parsed.chainCount == 1)
        #expect(parsed.templateList == AV1Structures.l1t3Templates)
        #expect(parsed.decodeTargetProtectedBy == [0, 0, 0] && parsed.chain(protecting: 2) == 0)
        #expect(parsed.maxSpatialID == 0)
        // decode_target_layers: 30 fps reaches T2, 15 fps T1, 7.5 fps T0.
        #expect(parsed.layers(ofDecodeTarget: 0) == (0, 2))
        #expect(parsed.layers(ofDecodeTarget: 1) == (0, 1))
        #expect(parsed.layers(ofDecodeTarget: 2) == (0, 0))
        #expect(parsed.renderResolutions == [AV1RenderResolution(width: 1280, height: 720)])
        #expect(parsed.allDecodeTargets == 0b111)
        // Ids count modulo 64 from the offset.
        #expect([62, 63, 0, 1, 2, 3, 61].map { parsed.templateIndex(forID: $0) } == [0, 1, 2, 3, 4, nil, nil])
        let built = try AV1Structures.l1t3(offset: 62, resolutions: [AV1RenderResolution(width: 1280, height: 720)])
        #expect(parsed == built)

        // The writer produces the same bits.
        #expect(try writeDD(descriptor, parsed) == Self.l1t3KeyFrame)
    }

    @Test func handBuiltL1T3FramesResolveTheirTemplates() throws {
        var structure: AV1TemplateStructure? = try AV1Structures.l1t3(offset: 62)

        // Mandatory fields only: template id 1 is index 3 (S0 T2, fdiff 1, chain diff 1, D--).
        let plain = try parseDD(hex("c1 12 35"), &structure)
        #expect(plain.isStartOfFrame && plain.isEndOfFrame && plain.templateID == 1 && plain.frameNumber == 0x1235)
        #expect(plain.spatialID == 0 && plain.temporalID == 2)
        #expect(plain.frame.decodeTargetIndications.description == "D--")
        #expect(plain.frame.frameDiffs.values == [1] && plain.frame.chainDiffs.values == [1])
        #expect(!plain.carriesStructure && plain.activeDecodeTargets == nil && plain.renderResolution == nil)

        #expect(bitBytes(Self.l1t3CustomBits) == Self.l1t3Custom)
        let custom = try parseDD(Self.l1t3Custom, &structure)
        #expect(custom.templateID == 63 && custom.frameNumber == 0x1239 && custom.isEndOfFrame)
        #expect(custom.spatialID == 0 && custom.temporalID == 0)
        #expect(custom.activeDecodeTargets == 0b011)
        #expect(custom.hasCustomDecodeTargetIndications && custom.hasCustomFrameDiffs && custom.hasCustomChainDiffs)
        #expect(custom.frame.decodeTargetIndications.description == "SS-")
        #expect(custom.frame.decodeTargetIndications[1] == .switch && custom.frame.decodeTargetIndications[2] == .notPresent)
        #expect(custom.frame.frameDiffs.values == [5, 300])
        #expect(custom.frame.chainDiffs.values == [5])
        #expect(try writeDD(custom, structure!) == Self.l1t3Custom)
        #expect(try writeDD(plain, structure!) == hex("c1 12 35"))
    }

    // MARK: - Structures from the specification and from libwebrtc's encoder

    static func allStructures() throws -> [(name: String, structure: AV1TemplateStructure)] {
        try [
            ("L1T3", AV1Structures.l1t3(offset: 7)),
            ("L3T3", AV1Structures.l3t3()),
            ("L3T3_KEY", AV1Structures.l3t3Key(offset: 40)),
            ("S3T3", AV1Structures.s3t3(offset: 63)),
        ]
    }

    /// Each structure, attached to a key frame's first packet, parses back to itself with no
    /// structure known; then a frame on every template needs only the 3 mandatory bytes.
    @Test func structuresRoundTripAndEveryTemplateFitsThreeBytes() throws {
        for (name, structure) in try Self.allStructures() {
            let keyID = structure.templateID(at: 0)
            let key = AV1DependencyDescriptor(
                isStartOfFrame: true, isEndOfFrame: false, templateID: keyID, frameNumber: 100,
                frame: structure.template(at: 0), carriesStructure: true,
                renderResolution: structure.renderResolution(spatialID: 0))
            let keyBytes = try writeDD(key, structure)
            var known: AV1TemplateStructure?
            let parsedKey = try parseDD(keyBytes, &known)
            #expect(parsedKey == key, "\(name)")
            #expect(known == structure, "\(name)")

            for index in 0..<structure.templateCount {
                let template = structure.template(at: index)
                let frame = AV1DependencyDescriptor(
                    isStartOfFrame: index % 2 == 0, isEndOfFrame: true, templateID: structure.templateID(at: index),
                    frameNumber: UInt16(101 + index), frame: template,
                    renderResolution: structure.renderResolution(spatialID: template.spatialID))
                let bytes = try writeDD(frame, structure)
                #expect(bytes.count == 3, "\(name) template \(index)")
                let parsedFrame = try parseDD(bytes, &known)
                #expect(parsedFrame == frame, "\(name) template \(index)")
            }
        }
    }

    /// decode_target_layers: the highest spatial and temporal layer present in each decode target.
    @Test func decodeTargetLayersFollowTheTemplates() throws {
        let l3t3 = try AV1Structures.l3t3()
        // HD 30/15/7.5, VGA 30/15/7.5, QVGA 30/15/7.5.
        let expected: [(UInt8, UInt8)] = [(2, 2), (2, 1), (2, 0), (1, 2), (1, 1), (1, 0), (0, 2), (0, 1), (0, 0)]
        for (target, layers) in expected.enumerated() {
            #expect(l3t3.layers(ofDecodeTarget: target) == layers, "L3T3 target \(target)")
        }
        #expect(l3t3.maxSpatialID == 2 && l3t3.renderResolution(spatialID: 1) == AV1RenderResolution(width: 640, height: 360))
        #expect(l3t3.renderResolution(spatialID: 3) == nil)
        for structure in try [AV1Structures.l3t3Key(), AV1Structures.s3t3()] {
            for target in 0..<9 {
                #expect(structure.layers(ofDecodeTarget: target) == (UInt8(target / 3), UInt8(target % 3)))
                #expect(structure.chain(protecting: target) == target / 3)
            }
            #expect(structure.renderResolutions == nil && structure.renderResolution(spatialID: 0) == nil)
        }
    }

    /// A descriptor that differs from its template in every overridable way, with an active
    /// bitmask, written and parsed back for each structure.
    @Test func overridesAndActiveTargetsRoundTrip() throws {
        for (name, structure) in try Self.allStructures() {
            let index = structure.templateCount - 1
            var frame = structure.template(at: index)
            frame.decodeTargetIndications[0] = .required
            frame.frameDiffs = AV1FrameDiffs([1, 16, 17, 255, 256, 4096])!
            for chain in 0..<frame.chainDiffs.count { frame.chainDiffs[chain] = UInt8(200 + chain) }
            let descriptor = AV1DependencyDescriptor(
                isStartOfFrame: false, isEndOfFrame: false, templateID: structure.templateID(at: index),
                frameNumber: 0xFFFF, frame: frame, activeDecodeTargets: structure.allDecodeTargets >> 1,
                hasCustomDecodeTargetIndications: true, hasCustomFrameDiffs: true,
                hasCustomChainDiffs: frame.chainDiffs.count > 0,
                renderResolution: structure.renderResolution(spatialID: frame.spatialID))
            let bytes = try writeDD(descriptor, structure)
            var known: AV1TemplateStructure? = structure
            let parsed = try parseDD(bytes, &known)
            #expect(parsed == descriptor, "\(name)")
            #expect(try writeDD(parsed, structure) == bytes, "\(name)")
        }
    }

    /// A custom flag with the template's own values survives a round trip (so rewriting a packet
    /// never changes its flags), and values that differ are sent even without the flag.
    @Test func customFlagsAreKeptAndDifferencesForceThem() throws {
        let structure = try AV1Structures.l1t3()
        var flagged = AV1DependencyDescriptor(
            isStartOfFrame: true, isEndOfFrame: true, templateID: 2, frameNumber: 9,
            frame: structure.template(at: 2), hasCustomFrameDiffs: true)
        var known: AV1TemplateStructure? = structure
        let parsedFlagged = try parseDD(try writeDD(flagged, structure), &known)
        #expect(parsedFlagged == flagged)

        flagged.hasCustomFrameDiffs = false
        flagged.frame.chainDiffs[0] = 9
        let parsed = try parseDD(try writeDD(flagged, structure), &known)
        #expect(parsed.hasCustomChainDiffs && parsed.frame.chainDiffs.values == [9] && !parsed.hasCustomFrameDiffs)
    }

    // MARK: - Errors

    @Test func frameBeforeAnyStructureIsRefused() throws {
        var structure: AV1TemplateStructure?
        #expect(throws: AV1DependencyDescriptorError.noStructure) { try parseDD(hex("c1 12 35"), &structure) }
        // Extended fields need DtCnt for the bitmask, and a template for the frame.
        #expect(throws: AV1DependencyDescriptorError.noStructure) { try parseDD(Self.l1t3Custom, &structure) }
        #expect(structure == nil)
    }

    /// Ids outside template_id_offset ..< offset + TemplateCnt (mod 64) name no template.
    @Test func templateOutsideTheStructureIsRefused() throws {
        var structure: AV1TemplateStructure? = try AV1Structures.l1t3(offset: 62)
        for id: UInt8 in [3, 4, 61] {
            #expect(throws: AV1DependencyDescriptorError.unknownTemplate) {
                try parseDD(bitBytes("1 1" + String(id, radix: 2).leftPadded(6) + "0000000000000001"), &structure)
            }
        }
        // A structure whose own key frame names no template of it is refused whole.
        var bad = Self.l1t3KeyFrame
        bad[0] = 0x80 | 5  // start of frame, template id 5: index 7 of 5
        var none: AV1TemplateStructure?
        #expect(throws: AV1DependencyDescriptorError.unknownTemplate) { try parseDD(bad, &none) }
        #expect(none == nil)
    }

    /// Every strict prefix of a descriptor fails with a typed error, never a trap, and leaves the
    /// known structure as it was.
    @Test func everyTruncationFailsWithATypedError() throws {
        let l3t3 = try AV1Structures.l3t3()
        let key = AV1DependencyDescriptor(
            isStartOfFrame: true, isEndOfFrame: true, templateID: 0, frameNumber: 1, frame: l3t3.template(at: 0),
            carriesStructure: true, activeDecodeTargets: 0b1_1011_0111, renderResolution: l3t3.renderResolution(spatialID: 0))
        let inputs = try [Self.l1t3KeyFrame, writeDD(key, l3t3)]
        for input in inputs {
            forEachTruncation(of: input) { _, length in
                var none: AV1TemplateStructure?
                let expected: AV1DependencyDescriptorError = length == 3 ? .noStructure : .truncated
                #expect(throws: expected, "length \(length)") { try parseDD(Array(input.prefix(length)), &none) }
                #expect(none == nil)
                var known: AV1TemplateStructure? = try? AV1Structures.l1t3(offset: 62)
                let before = known
                _ = try? parseDD(Array(input.prefix(length)), &known)
                #expect(known == before, "length \(length)")
            }
        }
        // With a structure known, the 3-byte prefix is a frame of its own; the others are cut fields.
        forEachTruncation(of: Self.l1t3Custom) { _, length in
            var known: AV1TemplateStructure? = try? AV1Structures.l1t3(offset: 62)
            if length == 3 {
                let prefix = try? parseDD(Array(Self.l1t3Custom.prefix(3)), &known)
                #expect(prefix?.templateID == 63)
            } else {
                #expect(throws: AV1DependencyDescriptorError.truncated, "length \(length)") {
                    try parseDD(Array(Self.l1t3Custom.prefix(length)), &known)
                }
            }
        }
    }

    /// The bounds this parser puts where the syntax has none: 64 templates, 4 spatial and 8 temporal
    /// layers, 16 frame diffs.
    @Test func structuresBeyondTheLimitsAreRefused() throws {
        let header = "1 0 000000 0000000000000000  1 0 0 0 0  000000 00000"
        var none: AV1TemplateStructure?
        // 65 templates: 64 times "same layer", then the end.
        #expect(throws: AV1DependencyDescriptorError.tooManyTemplates) {
            try parseDD(bitBytes(header + String(repeating: "00", count: 64) + "11" + String(repeating: "0", count: 400)), &none)
        }
        // T0 .. T8.
        #expect(throws: AV1DependencyDescriptorError.tooManyTemporalLayers) {
            try parseDD(bitBytes(header + String(repeating: "01", count: 8) + "11" + String(repeating: "0", count: 100)), &none)
        }
        // S0 .. S4.
        #expect(throws: AV1DependencyDescriptorError.tooManySpatialLayers) {
            try parseDD(bitBytes(header + String(repeating: "10", count: 4) + "11" + String(repeating: "0", count: 100)), &none)
        }
        // One template, one decode target (DTI S), 17 fdiffs.
        #expect(throws: AV1DependencyDescriptorError.tooManyFrameDiffs) {
            try parseDD(bitBytes(header + "11" + "10" + String(repeating: "10000", count: 17) + "0" + "0 0" + "0000"), &none)
        }
        // 16 fdiffs are fine: the template keeps them all.
        let sixteen = try parseDD(bitBytes(header + "11" + "10" + String(repeating: "10001", count: 16) + "0" + "0 0"), &none)
        #expect(sixteen.frame.frameDiffs.values == Array(repeating: 2, count: 16))
        // Custom fdiffs are bounded the same way.
        var known: AV1TemplateStructure? = try AV1Structures.l1t3()
        #expect(throws: AV1DependencyDescriptorError.tooManyFrameDiffs) {
            try parseDD(bitBytes("1 1 000000 0000000000000000  0 0 0 1 0" + String(repeating: "01 0000", count: 17) + "00"), &known)
        }
    }

    @Test func writerRefusesWhatTheWireCannotSay() throws {
        let structure = try AV1Structures.l1t3()
        let good = AV1DependencyDescriptor(
            isStartOfFrame: true, isEndOfFrame: true, templateID: 1, frameNumber: 5, frame: structure.template(at: 1))

        var unknown = good
        unknown.templateID = 5
        #expect(throws: AV1DependencyDescriptorWriteError.unknownTemplate) { try writeDD(unknown, structure) }
        unknown.templateID = 64 + 1
        #expect(throws: AV1DependencyDescriptorWriteError.unknownTemplate) { try writeDD(unknown, structure) }

        var layer = good
        layer.frame.temporalID = 1
        #expect(throws: AV1DependencyDescriptorWriteError.layerDiffersFromTemplate) { try writeDD(layer, structure) }

        var targets = good
        targets.frame.decodeTargetIndications = AV1DecodeTargetIndications(symbols: "SS")!
        #expect(throws: AV1DependencyDescriptorWriteError.decodeTargetCountMismatch) { try writeDD(targets, structure) }

        var chains = good
        chains.frame.chainDiffs = AV1ChainDiffs([1, 2])!
        #expect(throws: AV1DependencyDescriptorWriteError.chainCountMismatch) { try writeDD(chains, structure) }

        var active = good
        active.activeDecodeTargets = 0b1000
        #expect(throws: AV1DependencyDescriptorWriteError.activeDecodeTargetsOutOfRange) { try writeDD(active, structure) }

        // Every buffer shorter than the encoding is refused.
        var key = good
        key.templateID = 0
        key.frame = structure.template(at: 0)
        key.carriesStructure = true
        let full = try writeDD(key, structure)
        for capacity in 0..<full.count {
            #expect(throws: AV1DependencyDescriptorWriteError.bufferTooSmall, "capacity \(capacity)") {
                try writeDD(key, structure, capacity: capacity)
            }
        }
    }

    @Test func structureBuilderRefusesWhatTheWireCannotSay() throws {
        let one = [av1Template(0, 0, "S")]
        func build(
            offset: UInt8 = 0, targets: Int = 1, chains: Int = 0, protectedBy: [UInt8] = [],
            _ templates: [AV1FrameDependencies], resolutions: [AV1RenderResolution]? = nil
        ) -> AV1TemplateStructureError? {
            do throws(AV1TemplateStructureError) {
                _ = try AV1TemplateStructure(
                    templateIDOffset: offset, decodeTargetCount: targets, chainCount: chains,
                    decodeTargetProtectedBy: protectedBy, templates: templates, renderResolutions: resolutions)
                return nil
            } catch {
                return error
            }
        }
        #expect(build(one) == nil)
        #expect(build(offset: 64, one) == .templateIDOffsetOutOfRange)
        #expect(build(targets: 0, one) == .decodeTargetCountOutOfRange)
        #expect(build(targets: 33, one) == .decodeTargetCountOutOfRange)
        #expect(build([]) == .templateCountOutOfRange)
        #expect(build(Array(repeating: one[0], count: 65)) == .templateCountOutOfRange)
        #expect(build([av1Template(0, 1, "S")]) == .templateLayersNotEncodable)
        #expect(build([one[0], av1Template(0, 2, "S")]) == .templateLayersNotEncodable)
        #expect(build([one[0], av1Template(1, 1, "S")]) == .templateLayersNotEncodable)
        #expect(build([one[0], av1Template(1, 0, "S"), av1Template(0, 0, "S")]) == .templateLayersNotEncodable)
        #expect(build([one[0], av1Template(0, 8, "S")]) == .layerOutOfRange)
        #expect(build([av1Template(0, 0, "SS")]) == .decodeTargetIndicationCountMismatch)
        #expect(build([av1Template(0, 0, "S", fdiffs: [17])]) == .templateFrameDiffOutOfRange)
        #expect(build(chains: 2, protectedBy: [0], one) == .chainCountOutOfRange)
        #expect(build(chains: 1, protectedBy: [], one) == .protectedByInvalid)
        #expect(build(chains: 1, protectedBy: [1], one) == .protectedByInvalid)
        #expect(build(protectedBy: [0], one) == .protectedByInvalid)
        #expect(build(chains: 1, protectedBy: [0], one) == .templateChainDiffInvalid)
        #expect(build(chains: 1, protectedBy: [0], [av1Template(0, 0, "S", chains: [16])]) == .templateChainDiffInvalid)
        #expect(build(one, resolutions: []) == .resolutionsInvalid)
        #expect(build(one, resolutions: [AV1RenderResolution(width: 65537, height: 1)]) == .resolutionsInvalid)
        #expect(build(one, resolutions: [AV1RenderResolution(width: 65536, height: 1)]) == nil)
    }

    // MARK: - The per-stream reader

    @Test func readerKeepsTheStructureAndTheActiveDecodeTargets() throws {
        var reader = AV1DependencyDescriptorReader()
        func read(_ bytes: [UInt8]) throws(AV1DependencyDescriptorError) -> AV1FrameDescription {
            let result: Result<AV1FrameDescription, AV1DependencyDescriptorError> = bytes.withUnsafeBytes { buffer in
                do throws(AV1DependencyDescriptorError) { return .success(try reader.read(buffer)) } catch { return .failure(error) }
            }
            return try result.get()
        }

        // Before the key frame: refused, nothing learnt.
        #expect(throws: AV1DependencyDescriptorError.noStructure) { try read(hex("c1 12 35")) }
        #expect(reader.structure == nil && reader.activeDecodeTargets == 0)

        let key = try read(Self.l1t3KeyFrame)
        #expect(key.carriesStructure && key.structureChanged && key.activeDecodeTargets == 0b111)
        #expect(key.templateID == 62 && key.frameNumber == 0x1234 && key.spatialID == 0 && key.temporalID == 0)
        #expect(reader.structure?.templateIDOffset == 62)

        let plain = try read(hex("c1 12 35"))
        #expect(!plain.carriesStructure && !plain.structureChanged && plain.activeDecodeTargets == 0b111)
        #expect(plain.temporalID == 2 && plain.frameDiffs.values == [1] && plain.chainDiffs.values == [1])
        #expect(plain.decodeTargetIndications.description == "D--" && plain.isEndOfFrame && plain.isStartOfFrame)

        // An explicit bitmask holds until the next one.
        #expect(try read(Self.l1t3Custom).activeDecodeTargets == 0b011)
        #expect(try read(hex("c1 12 3a")).activeDecodeTargets == 0b011)

        // The same structure again: not a change, but it makes every target active (A.4).
        let again = try read(Self.l1t3KeyFrame)
        #expect(again.carriesStructure && !again.structureChanged && again.activeDecodeTargets == 0b111)

        // A broken structure packet changes nothing.
        #expect(throws: AV1DependencyDescriptorError.truncated) { try read(Array(Self.l1t3KeyFrame.dropLast())) }
        #expect(reader.structure?.templateIDOffset == 62 && reader.activeDecodeTargets == 0b111)

        // A new structure (L3T3_KEY at offset 20) with an explicit bitmask: old ids no longer resolve.
        let l3t3Key = try AV1Structures.l3t3Key(offset: 20)
        let switchKey = AV1DependencyDescriptor(
            isStartOfFrame: true, isEndOfFrame: false, templateID: 20, frameNumber: 7, frame: l3t3Key.template(at: 0),
            carriesStructure: true, activeDecodeTargets: 0b000_111_111)
        let switched = try read(try writeDD(switchKey, l3t3Key))
        #expect(switched.structureChanged && switched.activeDecodeTargets == 0b000_111_111)
        #expect(reader.structure == l3t3Key)
        #expect(throws: AV1DependencyDescriptorError.unknownTemplate) { try read(hex("c1 12 35")) }
        #expect(try read(bitBytes("1 1 011001 0000000000001000")).spatialID == 1)  // id 25: index 5

        reader.reset()
        #expect(reader.structure == nil && reader.activeDecodeTargets == 0)
    }

    /// The reader parses each new structure into the tables of the one before; a structure the
    /// caller still holds must not change under it (copy on write).
    @Test func heldStructuresStayAsTheyWere() throws {
        var reader = AV1DependencyDescriptorReader()
        func read(_ bytes: [UInt8]) throws -> AV1FrameDescription {
            let result: Result<AV1FrameDescription, AV1DependencyDescriptorError> = bytes.withUnsafeBytes { buffer in
                do throws(AV1DependencyDescriptorError) { return .success(try reader.read(buffer)) } catch { return .failure(error) }
            }
            return try result.get()
        }
        let l1t3 = try AV1Structures.l1t3(offset: 62, resolutions: [AV1RenderResolution(width: 1280, height: 720)])
        let s3t3 = try AV1Structures.s3t3(offset: 10)
        let l3t3Key = try AV1Structures.l3t3Key(offset: 30)
        func key(_ structure: AV1TemplateStructure) throws -> [UInt8] {
            try writeDD(
                AV1DependencyDescriptor(
                    isStartOfFrame: true, isEndOfFrame: true, templateID: structure.templateID(at: 1), frameNumber: 1,
                    frame: structure.template(at: 1), carriesStructure: true),
                structure)
        }
        // Three structures in turn, so each reuse of a spare's tables writes different contents.
        let cycle = try [(Self.l1t3KeyFrame, l1t3), (key(s3t3), s3t3), (key(l3t3Key), l3t3Key)]
        var held: [AV1TemplateStructure] = []
        for round in 0..<7 {
            let (bytes, structure) = cycle[round % 3]
            let frame = try read(bytes)
            #expect(frame.structureChanged, "round \(round)")
            held.append(try #require(reader.structure))
            #expect(held.last == structure, "round \(round)")
        }
        for (round, structure) in held.enumerated() {
            #expect(structure == cycle[round % 3].1, "held structure \(round) changed")
        }
        // With S3T3 in effect, an S3T3 packet cut short changes nothing.
        let s3t3Key = cycle[1].0
        _ = try read(s3t3Key)
        #expect(throws: AV1DependencyDescriptorError.truncated) { try read(Array(s3t3Key.dropLast())) }
        #expect(reader.structure == s3t3)
        #expect(try read(bitBytes("1 1 001100 0000000000000010")).temporalID == 1)  // id 12: index 2, S0 T1
    }

    // MARK: - Random round trips

    /// Random structures that template_layers can express and random frames on them: written,
    /// parsed back equal, and written again to the same bytes.
    @Test func randomDescriptorsRoundTrip() throws {
        var random = SeededGenerator(seed: 0xA1_D0_0D)
        for round in 0..<300 {
            let structure = try Self.randomStructure(using: &random)
            let index = Int.random(in: 0..<structure.templateCount, using: &random)
            var frame = structure.template(at: index)
            let customDTIs = Bool.random(using: &random)
            if customDTIs {
                for target in 0..<structure.decodeTargetCount {
                    frame.decodeTargetIndications[target] = DecodeTargetIndication.allCases.randomElement(using: &random)!
                }
            }
            let customFrameDiffs = Bool.random(using: &random)
            if customFrameDiffs {
                frame.frameDiffs = AV1FrameDiffs(
                    (0..<Int.random(in: 0...16, using: &random)).map { _ in UInt16.random(in: 1...4096, using: &random) })!
            }
            let customChains = Bool.random(using: &random)
            if customChains {
                for chain in 0..<structure.chainCount { frame.chainDiffs[chain] = UInt8.random(in: 0...255, using: &random) }
            }
            let carries = Bool.random(using: &random)
            let descriptor = AV1DependencyDescriptor(
                isStartOfFrame: Bool.random(using: &random), isEndOfFrame: Bool.random(using: &random),
                templateID: structure.templateID(at: index), frameNumber: UInt16.random(in: 0...0xFFFF, using: &random),
                frame: frame, carriesStructure: carries,
                activeDecodeTargets: Bool.random(using: &random)
                    ? UInt32.random(in: 0...structure.allDecodeTargets, using: &random) : nil,
                hasCustomDecodeTargetIndications: customDTIs, hasCustomFrameDiffs: customFrameDiffs,
                hasCustomChainDiffs: customChains,
                renderResolution: structure.renderResolution(spatialID: frame.spatialID))
            let bytes = try writeDD(descriptor, structure)
            var known: AV1TemplateStructure? = carries ? nil : structure
            let parsed = try parseDD(bytes, &known)
            #expect(parsed == descriptor, "round \(round)")
            #expect(known == structure, "round \(round)")
            #expect(try writeDD(parsed, structure) == bytes, "round \(round)")
        }
    }

    static func randomStructure(using random: inout SeededGenerator) throws -> AV1TemplateStructure {
        let targets = Int.random(in: 1...32, using: &random)
        let chains = Int.random(in: 0...targets, using: &random)
        var templates: [AV1FrameDependencies] = []
        var spatial: UInt8 = 0
        var temporal: UInt8 = 0
        for _ in 0..<Int.random(in: 1...64, using: &random) {
            if !templates.isEmpty {
                switch Int.random(in: 0..<3, using: &random) {
                case 1 where temporal < 7: temporal += 1
                case 2 where spatial < 3: spatial += 1; temporal = 0
                default: break
                }
            }
            templates.append(
                AV1FrameDependencies(
                    spatialID: spatial, temporalID: temporal,
                    decodeTargetIndications: AV1DecodeTargetIndications(
                        (0..<targets).map { _ in DecodeTargetIndication.allCases.randomElement(using: &random)! })!,
                    frameDiffs: AV1FrameDiffs(
                        (0..<Int.random(in: 0...3, using: &random)).map { _ in UInt16.random(in: 1...16, using: &random) })!,
                    chainDiffs: AV1ChainDiffs((0..<chains).map { _ in UInt8.random(in: 0...15, using: &random) })!))
        }
        let resolutions: [AV1RenderResolution]? =
            Bool.random(using: &random)
            ? (0...Int(spatial)).map { _ in
                AV1RenderResolution(
                    width: Int.random(in: 1...65536, using: &random), height: Int.random(in: 1...65536, using: &random))
            } : nil
        return try AV1TemplateStructure(
            templateIDOffset: UInt8.random(in: 0...63, using: &random), decodeTargetCount: targets, chainCount: chains,
            decodeTargetProtectedBy: chains > 0
                ? (0..<targets).map { _ in UInt8.random(in: 0..<UInt8(chains), using: &random) } : [],
            templates: templates, renderResolutions: resolutions)
    }
}

/// Runs `body` with a bit writer over a scratch buffer and returns the bytes it filled.
private func bitsWritten(_ body: (inout AV1BitWriter) throws(AV1DependencyDescriptorWriteError) -> Void) throws -> [UInt8] {
    var buffer = [UInt8](repeating: 0xEE, count: 16)
    let count = try buffer.withUnsafeMutableBytes { raw in
        var writer = AV1BitWriter(raw)
        try body(&writer)
        return writer.byteCount
    }
    return Array(buffer.prefix(count))
}

extension String {
    /// The string with zeros in front up to `width` characters.
    fileprivate func leftPadded(_ width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}

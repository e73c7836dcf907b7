import Testing

@testable import RTP

/// FuzzAV1DependencyDescriptor's checks (Fuzz/Sources/FuzzAV1DependencyDescriptor) as test
/// expectations, so `swift test` holds every committed input to what the fuzzer held it to.
enum FuzzAV1DependencyDescriptorReplay {
    typealias Outcome = Result<AV1FrameDescription, AV1DependencyDescriptorError>

    /// Splits an input into its records: a length byte, then that many bytes (or what is left).
    static func records(_ input: [UInt8]) -> [[UInt8]] {
        var records: [[UInt8]] = []
        var offset = 0
        while offset < input.count {
            let length = min(Int(input[offset]), input.count - offset - 1)
            records.append(Array(input[offset + 1 ..< offset + 1 + length]))
            offset += 1 + length
        }
        return records
    }

    /// Reads every record with one reader; each record's outcome, in order.
    static func replay(_ input: [UInt8], name: String) -> [Outcome] {
        var reader = AV1DependencyDescriptorReader()
        return records(input).enumerated().map { index, record in
            check(record, reader: &reader, name: "\(name) record \(index)")
        }
    }

    private static func check(_ record: [UInt8], reader: inout AV1DependencyDescriptorReader, name: String) -> Outcome {
        let knownBefore = reader.structure
        let activeBefore = reader.activeDecodeTargets
        let outcome: Outcome = record.withUnsafeBytes { bytes in
            do throws(AV1DependencyDescriptorError) { return .success(try reader.read(bytes)) } catch { return .failure(error) }
        }
        guard case .success(let frame) = outcome else {
            #expect(
                reader.structure == knownBefore && reader.activeDecodeTargets == activeBefore,
                "\(name): refused packet changed state")
            return outcome
        }
        guard let structure = reader.structure else {
            Issue.record("\(name): accepted without a structure")
            return outcome
        }
        let descriptor = frame.descriptor
        #expect(frame.decodeTargetIndications.count == structure.decodeTargetCount, "\(name)")
        #expect(frame.chainDiffs.count == structure.chainCount, "\(name)")
        #expect(frame.spatialID <= structure.maxSpatialID && frame.temporalID < 8, "\(name)")
        #expect(frame.frameDiffs.values.allSatisfy { $0 >= 1 && $0 <= 4096 }, "\(name)")
        #expect(frame.activeDecodeTargets & ~structure.allDecodeTargets == 0, "\(name)")
        #expect(frame.structureChanged == (descriptor.carriesStructure && knownBefore != structure), "\(name)")
        if !descriptor.carriesStructure { #expect(knownBefore == structure, "\(name): structure changed without one") }

        do {
            let written = try writeDD(descriptor, structure)
            #expect(written.count >= 3 && written.count <= record.count, "\(name): rewrite grew")
            var known = knownBefore
            let again = try parseDD(written, &known)
            #expect(again == descriptor, "\(name): rewrite parses to another descriptor")
            #expect(known == structure, "\(name): rewrite parses to another structure")
            #expect(try writeDD(again, structure) == written, "\(name): a second write differs")
        } catch {
            Issue.record("\(name): an accepted descriptor does not round-trip: \(error)")
        }
        return outcome
    }
}

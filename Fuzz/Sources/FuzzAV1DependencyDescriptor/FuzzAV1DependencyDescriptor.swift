// The AV1 Dependency Descriptor header extension as the forwarder will use it: one stream's
// extensions read in order by an AV1DependencyDescriptorReader (so later packets resolve against
// the structure an earlier one carried), each accepted descriptor written back and re-read.
//
// Input: records of one length byte L, then L bytes of extension data (the last record takes what
// is left when fewer than L bytes remain).
//
// Checks, per accepted packet: the frame fits the structure in effect (DTI and chain counts, layers,
// frame diffs 1–4096, active targets within the decode targets); the descriptor written against
// that structure is no longer than the packet's and re-reads, against the structure known before
// the packet, to the same descriptor and structure; writing that again gives the same bytes.
// Per refused packet: the reader's state is unchanged.

import RTP

/// Output of the writes; one allocation for the whole run.
nonisolated(unsafe) private let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 16, alignment: 16)
nonisolated(unsafe) private let rewrite = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 16, alignment: 16)

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = UnsafeRawBufferPointer(start: data, count: size)
    var reader = AV1DependencyDescriptorReader()
    var offset = 0
    while offset < input.count {
        let length = min(Int(input[offset]), input.count - offset - 1)
        let record = UnsafeRawBufferPointer(rebasing: input[offset + 1 ..< offset + 1 + length])
        offset += 1 + length
        check(record, reader: &reader)
    }
    return 0
}

private func check(_ record: UnsafeRawBufferPointer, reader: inout AV1DependencyDescriptorReader) {
    let knownBefore = reader.structure
    let activeBefore = reader.activeDecodeTargets
    let frame: AV1FrameDescription
    do {
        frame = try reader.read(record)
    } catch {
        precondition(reader.structure == knownBefore && reader.activeDecodeTargets == activeBefore, "refused packet changed state")
        return
    }
    guard let structure = reader.structure else { preconditionFailure("accepted a packet without a structure") }
    let descriptor = frame.descriptor
    precondition(frame.decodeTargetIndications.count == structure.decodeTargetCount)
    precondition(frame.chainDiffs.count == structure.chainCount)
    precondition(frame.spatialID <= structure.maxSpatialID && Int(frame.temporalID) < AV1TemplateStructure.maxTemporalLayers)
    for index in 0..<frame.frameDiffs.count {
        precondition(frame.frameDiffs[index] >= 1 && frame.frameDiffs[index] <= AV1FrameDiffs.maximumDiff)
    }
    precondition(frame.activeDecodeTargets & ~structure.allDecodeTargets == 0, "active targets beyond the decode targets")
    precondition(frame.structureChanged == (descriptor.carriesStructure && knownBefore != structure))
    if !descriptor.carriesStructure { precondition(knownBefore == structure, "structure changed without one") }

    let written: Int
    do {
        written = try descriptor.write(into: scratch, structure: structure)
    } catch {
        preconditionFailure("an accepted descriptor does not write back: \(error)")
    }
    precondition(written >= 3 && written <= record.count, "rewrite grew from \(record.count) to \(written) bytes")
    var known = knownBefore
    let again: AV1DependencyDescriptor
    do {
        again = try AV1DependencyDescriptor(parsing: UnsafeRawBufferPointer(rebasing: scratch[0..<written]), structure: &known)
    } catch {
        preconditionFailure("the rewritten descriptor does not parse: \(error)")
    }
    precondition(again == descriptor, "rewrite parses to another descriptor")
    precondition(known == structure, "rewrite parses to another structure")
    guard let rewritten = try? again.write(into: rewrite, structure: structure), rewritten == written else {
        preconditionFailure("a second write has another length")
    }
    for index in 0..<written where scratch[index] != rewrite[index] {
        preconditionFailure("a second write differs from the first at byte \(index)")
    }
}

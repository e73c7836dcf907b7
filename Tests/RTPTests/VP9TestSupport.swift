// Builds VP9 RTP payloads by hand from the RFC 9628 §4.2 layout, for the VP9 tests.

@testable import RTP

/// One picture-group entry for `vp9ScalabilityStructure`: TID, U and its P_DIFFs.
struct VP9TestPictureGroupEntry {
    var tid: UInt8
    var switchingUp: Bool
    var references: [UInt8]
}

/// The SS bytes (N_S/Y/G, resolutions, picture group) for `resolutions.count` spatial layers.
func vp9ScalabilityStructure(
    spatialLayers: Int, resolutions: [(UInt16, UInt16)]? = nil, pictureGroup: [VP9TestPictureGroupEntry]? = nil
) -> [UInt8] {
    var bytes: [UInt8] = [
        UInt8((spatialLayers - 1) << 5) | (resolutions != nil ? 0x10 : 0) | (pictureGroup != nil ? 0x08 : 0)
    ]
    for (width, height) in resolutions ?? [] {
        bytes += [UInt8(width >> 8), UInt8(width & 0xFF), UInt8(height >> 8), UInt8(height & 0xFF)]
    }
    if let pictureGroup {
        bytes.append(UInt8(pictureGroup.count))
        for entry in pictureGroup {
            bytes.append(entry.tid << 5 | (entry.switchingUp ? 0x10 : 0) | UInt8(entry.references.count) << 2)
            bytes += entry.references
        }
    }
    return bytes
}

/// An RTP payload: a descriptor with the given fields, then `body`. In flexible mode the P_DIFFs
/// are written with N set on all but the last; `extraReference` forces N on the last too.
func vp9Payload(
    predicted: Bool = false, start: Bool = true, end: Bool = true, notReferenceUpwards: Bool = false,
    flexible: Bool = false, pictureID: UInt16? = nil, longPictureID: Bool = true,
    layers: (tid: UInt8, switchingUp: Bool, sid: UInt8, dependent: Bool)? = nil, tl0PicIdx: UInt8? = nil,
    references: [UInt8] = [], extraReference: Bool = false, scalabilityStructure: [UInt8]? = nil,
    body: [UInt8] = [0xAB, 0xCD]
) -> [UInt8] {
    var flags: UInt8 = pictureID != nil ? 0x80 : 0
    if predicted { flags |= 0x40 }
    if layers != nil { flags |= 0x20 }
    if flexible { flags |= 0x10 }
    if start { flags |= 0x08 }
    if end { flags |= 0x04 }
    if scalabilityStructure != nil { flags |= 0x02 }
    if notReferenceUpwards { flags |= 0x01 }
    var bytes: [UInt8] = [flags]
    if let pictureID {
        if longPictureID {
            bytes += [0x80 | UInt8((pictureID >> 8) & 0x7F), UInt8(pictureID & 0xFF)]
        } else {
            bytes.append(UInt8(pictureID & 0x7F))
        }
    }
    if let layers {
        bytes.append(layers.tid << 5 | (layers.switchingUp ? 0x10 : 0) | layers.sid << 1 | (layers.dependent ? 1 : 0))
        if !flexible { bytes.append(tl0PicIdx ?? 0) }
    }
    for (index, reference) in references.enumerated() {
        let more = index < references.count - 1 || extraReference
        bytes.append(reference << 1 | (more ? 1 : 0))
    }
    bytes += scalabilityStructure ?? []
    return bytes + body
}

/// Parses the descriptor at the start of `payload`.
func parseVP9(_ payload: [UInt8]) throws(VP9ParseError) -> VP9PayloadDescriptor {
    try parseVP9Outcome(payload).get()
}

/// The result of parsing, with the error as a value (for tables of expected outcomes).
func parseVP9Outcome(_ payload: [UInt8]) -> Result<VP9PayloadDescriptor, VP9ParseError> {
    payload.withUnsafeBytes { bytes in
        do throws(VP9ParseError) { return .success(try VP9PayloadDescriptor(parsing: bytes)) } catch { return .failure(error) }
    }
}

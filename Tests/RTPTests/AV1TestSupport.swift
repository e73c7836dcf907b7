// Helpers of the Dependency Descriptor tests. The example structures (`AV1Structures`,
// `av1Template`) and `writeDD` live in the AV1TestSupport target, shared with the bridge's tests;
// re-exported here so every file of this target sees them.

@_exported import AV1TestSupport
@testable import RTP

/// Bytes from a string of bits, most significant first, padded with zero bits to a whole byte.
/// Characters other than 0 and 1 are ignored, and so is the rest of a line after `#`, so fields
/// can be spaced and annotated.
func bitBytes(_ text: String) -> [UInt8] {
    let code = text.split(separator: "\n", omittingEmptySubsequences: false).map { $0.prefix { $0 != "#" } }.joined()
    let bits = code.compactMap { $0 == "0" ? UInt8(0) : $0 == "1" ? UInt8(1) : nil }
    var bytes = [UInt8](repeating: 0, count: (bits.count + 7) / 8)
    for (index, bit) in bits.enumerated() { bytes[index / 8] |= bit << UInt8(7 - index % 8) }
    return bytes
}

/// Parses `bytes` against `structure` (updated as the parser updates it).
func parseDD(
    _ bytes: [UInt8], _ structure: inout AV1TemplateStructure?
) throws(AV1DependencyDescriptorError) -> AV1DependencyDescriptor {
    var known = structure
    let result: Result<AV1DependencyDescriptor, AV1DependencyDescriptorError> = bytes.withUnsafeBytes { buffer in
        do throws(AV1DependencyDescriptorError) {
            return .success(try AV1DependencyDescriptor(parsing: buffer, structure: &known))
        } catch {
            return .failure(error)
        }
    }
    structure = known
    return try result.get()
}

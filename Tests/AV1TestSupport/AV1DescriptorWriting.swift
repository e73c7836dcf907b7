public import RTP

/// Writes `descriptor` against `structure` into a buffer filled with 0xEE (so padding is checked).
public func writeDD(
    _ descriptor: AV1DependencyDescriptor, _ structure: AV1TemplateStructure, capacity: Int = 4096
) throws(AV1DependencyDescriptorWriteError) -> [UInt8] {
    var buffer = [UInt8](repeating: 0xEE, count: capacity)
    let result: Result<Int, AV1DependencyDescriptorWriteError> = buffer.withUnsafeMutableBytes { raw in
        do throws(AV1DependencyDescriptorWriteError) {
            return .success(try descriptor.write(into: raw, structure: structure))
        } catch {
            return .failure(error)
        }
    }
    return Array(buffer.prefix(try result.get()))
}

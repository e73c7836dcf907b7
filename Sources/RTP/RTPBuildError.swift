/// Why a builder or an in-place editor could not write its output.
public enum RTPBuildError: Error, Sendable, Equatable {
    /// The caller's buffer cannot hold the result.
    case bufferTooSmall
    /// More items than the count field can express (for example 32 report blocks).
    case tooManyItems
    /// A field value does not fit its wire encoding (for example a one-byte extension id of 15).
    case valueOutOfRange
    /// The packet's extension block is not in the form (one-byte or two-byte) the operation needs,
    /// or its elements are malformed.
    case unsupportedExtension
}

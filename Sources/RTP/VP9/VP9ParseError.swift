/// Why an RTP payload does not start with a usable RFC 9628 VP9 payload descriptor. One case per
/// field that can run past the end or contradict the others, so each maps to its own drop counter
/// without allocating (typed throws, style.md B5.7).
public enum VP9ParseError: Error, Sendable, Equatable {
    /// The payload is empty: not even the mandatory first byte (I P L F B E V Z).
    case empty
    /// I is set but the PictureID (one byte, or two when its M bit is set) is cut short.
    case pictureIDTruncated
    /// L is set but the TID/U/SID/D byte is missing.
    case layerIndicesTruncated
    /// L is set in non-flexible mode (F = 0) but the TL0PICIDX byte is missing.
    case tl0PicIdxTruncated
    /// F and P are set but a P_DIFF byte is missing: none at all, or the previous one's N bit
    /// promised another.
    case referenceIndexTruncated
    /// The third P_DIFF has its N bit set: RFC 9628 allows at most three references per picture.
    case tooManyReferenceIndices
    /// F is set without I. Flexible-mode references are PictureID differences, so without a
    /// PictureID they name nothing, and a sender that means F = 1 lays out the bytes differently
    /// from one that means F = 0 (no TL0PICIDX): guessing would misread every later field.
    case flexibleModeWithoutPictureID
    /// V is set but the N_S/Y/G byte of the scalability structure is missing.
    case scalabilityStructureTruncated
    /// Y is set but a spatial layer's WIDTH or HEIGHT is cut short.
    case resolutionTruncated
    /// G is set but N_G, a picture-group entry or one of its P_DIFFs is cut short.
    case pictureGroupTruncated
}

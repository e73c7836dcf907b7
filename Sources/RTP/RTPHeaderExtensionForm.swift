/// Which of the RFC 8285 layouts an extension block uses, from its profile word.
public enum RTPHeaderExtensionForm: Sendable, Equatable {
    /// Profile 0xBEDE: one header byte per element, ids 1–14, 1–16 data bytes (RFC 8285 §4.2).
    case oneByte
    /// Profile 0x100x: two header bytes per element, ids 1–255, 0–255 data bytes (RFC 8285 §4.3).
    /// The low four bits of the profile ("appbits") are application data and are preserved.
    case twoByte
    /// Any other profile: a single opaque extension that RFC 8285 helpers leave alone.
    case other

    /// The profile word that introduces a one-byte block.
    public static let oneByteProfile: UInt16 = 0xBEDE
    /// The profile word that introduces a two-byte block (with appbits 0).
    public static let twoByteProfile: UInt16 = 0x1000

    /// Classifies a profile word.
    @inlinable public init(profile: UInt16) {
        if profile == Self.oneByteProfile {
            self = .oneByte
        } else if profile & 0xFFF0 == Self.twoByteProfile {
            self = .twoByte
        } else {
            self = .other
        }
    }

    /// Bytes of element header before the data.
    @inlinable public var elementHeaderLength: Int { self == .twoByte ? 2 : 1 }
}

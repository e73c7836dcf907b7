/// A set of extension local identifiers (0–255) in four machine words.
///
/// The forwarder decides per packet which elements survive (style: "strip everything except
/// audio-level, video-orientation and the dependency descriptor"); a bitmask keeps that test
/// allocation-free and branch-light.
public struct RTPExtensionIDSet: Sendable, Equatable, ExpressibleByArrayLiteral {
    @usableFromInline var words: (UInt64, UInt64, UInt64, UInt64)

    /// The empty set.
    @inlinable public init() { words = (0, 0, 0, 0) }

    /// A set holding `ids`.
    @inlinable public init(arrayLiteral ids: UInt8...) {
        self.init()
        for id in ids { insert(id) }
    }

    /// Every identifier.
    public static let all: RTPExtensionIDSet = {
        var set = RTPExtensionIDSet()
        set.words = (.max, .max, .max, .max)
        return set
    }()

    /// Whether `id` is in the set.
    @inlinable public func contains(_ id: UInt8) -> Bool {
        let bit = UInt64(1) << UInt64(id & 63)
        switch id >> 6 {
        case 0: return words.0 & bit != 0
        case 1: return words.1 & bit != 0
        case 2: return words.2 & bit != 0
        default: return words.3 & bit != 0
        }
    }

    /// Adds `id`.
    @inlinable public mutating func insert(_ id: UInt8) {
        let bit = UInt64(1) << UInt64(id & 63)
        switch id >> 6 {
        case 0: words.0 |= bit
        case 1: words.1 |= bit
        case 2: words.2 |= bit
        default: words.3 |= bit
        }
    }

    /// Removes `id`.
    @inlinable public mutating func remove(_ id: UInt8) {
        let mask = ~(UInt64(1) << UInt64(id & 63))
        switch id >> 6 {
        case 0: words.0 &= mask
        case 1: words.1 &= mask
        case 2: words.2 &= mask
        default: words.3 &= mask
        }
    }

    /// The set with `id` removed.
    @inlinable public func removing(_ id: UInt8) -> RTPExtensionIDSet {
        var copy = self
        copy.remove(id)
        return copy
    }

    @inlinable public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.words.0 == rhs.words.0 && lhs.words.1 == rhs.words.1
            && lhs.words.2 == rhs.words.2 && lhs.words.3 == rhs.words.3
    }
}

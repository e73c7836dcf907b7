// The DTIs of one frame or template: one 2-bit code per decode target, at most 32 targets
// (dt_cnt_minus_one is 5 bits), packed into one word so a frame's DTIs cost no allocation.

/// One `DecodeTargetIndication` per decode target, indexed by decode target.
///
/// Packed two bits per target into a `UInt64`; bits past `count` are always zero, so two values
/// with the same indications compare equal.
public struct AV1DecodeTargetIndications: Sendable, Equatable, CustomStringConvertible {
    /// The most decode targets a dependency structure can declare.
    public static let capacity = 32

    private var packed: UInt64
    /// The number of decode targets (0 in an empty value, else 1–32 once parsed).
    public private(set) var count: Int

    /// `count` targets, all `.notPresent`.
    public init(count: Int) {
        precondition(count >= 0 && count <= Self.capacity, "at most 32 decode targets")
        self.packed = 0
        self.count = count
    }

    /// The indications in decode-target order; nil when there are more than 32.
    public init?(_ indications: some Sequence<DecodeTargetIndication>) {
        self.init(count: 0)
        for indication in indications {
            guard count < Self.capacity else { return nil }
            count += 1
            self[count - 1] = indication
        }
    }

    /// Parses the specification's table notation, one symbol per target, e.g. `"SSD-"`.
    /// Nil for an unknown symbol or more than 32 targets.
    public init?(symbols: String) {
        var indications: [DecodeTargetIndication] = []
        for symbol in symbols {
            guard let indication = DecodeTargetIndication(symbol: symbol) else { return nil }
            indications.append(indication)
        }
        self.init(indications)
    }

    /// The indication for decode target `index` (0 ..< count).
    public subscript(index: Int) -> DecodeTargetIndication {
        get {
            precondition(index >= 0 && index < count, "decode target out of range")
            return DecodeTargetIndication(rawValue: UInt8(truncatingIfNeeded: packed >> UInt64(2 * index)) & 3)!
        }
        set {
            precondition(index >= 0 && index < count, "decode target out of range")
            setCode(newValue.rawValue, at: index)
        }
    }

    /// The 2-bit wire code of decode target `index`.
    @inline(__always)
    func code(at index: Int) -> UInt8 {
        UInt8(truncatingIfNeeded: packed >> UInt64(2 &* index)) & 3
    }

    @inline(__always)
    mutating func setCode(_ code: UInt8, at index: Int) {
        let shift = UInt64(2 &* index)
        packed = packed & ~(3 << shift) | UInt64(code & 3) << shift
    }

    /// Bit i set when the frame is present (any indication but `.notPresent`) for decode target i.
    public var presentTargets: UInt32 {
        var mask: UInt32 = 0
        for index in 0..<count where code(at: index) != 0 { mask |= 1 << UInt32(index) }
        return mask
    }

    /// The table notation, e.g. `SSD-`.
    public var description: String {
        String((0..<count).map { self[$0].symbol })
    }
}

import Colibri

/// A receiver's limit for one source as the allocator reads it (JVB `VideoConstraints`).
///
/// `maxHeight` 0 means "do not forward" and is never exceeded; -1 is unlimited. A positive height is a soft
/// limit: when no layer is that small, the source's lowest layers are still forwarded if the budget allows,
/// because a too-large picture beats none. `maxFrameRate` 0 also means "do not forward"; nil is unlimited.
struct VideoConstraints: Sendable, Equatable {
    /// The `maxHeight` value for "no height limit".
    static let unlimitedHeight = -1
    /// Forward nothing (what sources outside lastN get).
    static let nothing = VideoConstraints(maxHeight: 0)
    /// No limit at all.
    static let unlimited = VideoConstraints(maxHeight: unlimitedHeight)

    /// The height limit in pixels (the smaller dimension), -1 unlimited, 0 off.
    let maxHeight: Int
    /// The frame-rate limit, nil unlimited, 0 off.
    let maxFrameRate: Double?

    /// Any negative value means unlimited. JVB rejects a whole message carrying a negative other than -1;
    /// reading it as "unlimited" instead keeps one odd field from freezing the receiver's settings.
    init(maxHeight: Int, maxFrameRate: Double? = nil) {
        self.maxHeight = maxHeight < 0 ? Self.unlimitedHeight : maxHeight
        self.maxFrameRate = maxFrameRate.flatMap { $0 < 0 ? nil : $0 }
    }

    /// The constraints a `ReceiverVideoConstraints` message carries.
    init(_ signalled: ReceiverVideoConstraints.VideoConstraints) {
        self.init(maxHeight: signalled.maxHeight, maxFrameRate: signalled.maxFrameRate)
    }

    /// Whether the receiver asked for nothing from the source.
    var isDisabled: Bool { maxHeight == 0 || maxFrameRate == 0 }

    /// Whether `maxHeight` limits anything.
    var heightIsLimited: Bool { maxHeight != Self.unlimitedHeight }

    /// Whether a layer of `height` pixels is within the (soft) height limit.
    func allowsHeight(_ height: Int) -> Bool { !heightIsLimited || height <= maxHeight }

    /// Whether a layer at `frameRate` is within the frame-rate limit (give or take the measurement's
    /// wobble); an unknown rate (≤ 0) always is.
    func allowsFrameRate(_ frameRate: Double, isForwarded: Bool = false) -> Bool {
        guard let maxFrameRate, frameRate > 0 else { return true }
        return AllocationParameters.frameRate(frameRate, isWithin: maxFrameRate, isForwarded: isForwarded)
    }
}

// A.8.2 render_resolutions: the largest frame size of one spatial layer, sent as 16-bit "minus one"
// values, so 1–65536 in each dimension.

/// The maximum render width and height of the frames of one spatial layer.
public struct AV1RenderResolution: Sendable, Equatable {
    /// Pixels, 1–65536.
    public var width: Int
    /// Pixels, 1–65536.
    public var height: Int

    public init(width: Int, height: Int) {
        self.width = width
        self.height = height
    }

    /// Both dimensions fit the wire's 16-bit "minus one" fields.
    var isEncodable: Bool { width >= 1 && width <= 65536 && height >= 1 && height <= 65536 }
}

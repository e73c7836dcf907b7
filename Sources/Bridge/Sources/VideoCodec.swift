/// The video codec of a payload type, as far as forwarding cares: VP8's payload descriptor drives
/// layer selection and rewriting; the others are forwarded as one stream for now.
enum VideoCodec: Sendable, Equatable {
    case vp8, vp9, av1, h264, unknown

    /// From the `<payload-type name>` jicofo signals (case-insensitive).
    init(name: String) {
        switch name.lowercased() {
        case "vp8": self = .vp8
        case "vp9": self = .vp9
        case "av1": self = .av1
        case "h264": self = .h264
        default: self = .unknown
        }
    }
}

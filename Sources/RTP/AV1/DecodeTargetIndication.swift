// AV1 RTP specification, appendix A, Table A.1: how one frame relates to one decode target.

/// What a frame means to one decode target (a spatial and temporal fidelity a receiver can be sent).
/// The raw values are the 2-bit codes on the wire.
public enum DecodeTargetIndication: UInt8, Sendable, Equatable, CaseIterable {
    /// `-`: the frame is not part of the decode target; a receiver of that target never needs it.
    case notPresent = 0
    /// `D`: part of the target, but no later frame of the target refers to it, so it may be dropped
    /// (for example under congestion) without breaking the target.
    case discardable = 1
    /// `S`: part of the target, and if it is decodable every later frame of the target is too: a
    /// forwarder may start sending the target here.
    case `switch` = 2
    /// `R`: part of the target and referred to later; neither discardable nor a switch point.
    case required = 3

    /// The symbol the specification's tables use: `-`, `D`, `S` or `R`.
    public var symbol: Character {
        switch self {
        case .notPresent: "-"
        case .discardable: "D"
        case .switch: "S"
        case .required: "R"
        }
    }

    /// The indication for a table symbol, or nil for any other character.
    public init?(symbol: Character) {
        switch symbol {
        case "-": self = .notPresent
        case "D": self = .discardable
        case "S": self = .switch
        case "R": self = .required
        default: return nil
        }
    }
}

public import Primitives

/// How a candidate was obtained (RFC 8445 §5.1.1).
public enum ICECandidateType: String, Sendable {
    /// An address on a local interface.
    case host
    /// Server reflexive: the address a STUN server saw.
    case srflx
    /// Peer reflexive: learned from the source of a connectivity check.
    case prflx
    /// An address on a TURN relay.
    case relay

    /// The RFC 8445 §5.1.2.2 recommended type preference.
    public var typePreference: UInt32 {
        switch self {
        case .host: 126
        case .prflx: 110
        case .srflx: 100
        case .relay: 0
        }
    }
}

/// A remote (or local) UDP transport candidate.
///
/// Only UDP is modelled: the bridge listens on one UDP port, and TCP candidates that browsers
/// trickle are dropped by the signalling layer before they get here.
public struct ICECandidate: Hashable, Sendable {
    /// Candidates with the same foundation share a base and a type (RFC 8445 §5.1.1.3).
    public var foundation: String
    /// The component ID; 1 (RTP) is the only one used with rtcp-mux and BUNDLE.
    public var component: Int
    /// The candidate priority (RFC 8445 §5.1.2).
    public var priority: UInt32
    /// The transport address.
    public var address: PeerAddress
    /// How the candidate was obtained.
    public var type: ICECandidateType
    /// The base or server address of a reflexive or relayed candidate (`raddr`/`rport`).
    public var relatedAddress: PeerAddress?

    /// A candidate from signalled values.
    public init(
        foundation: String,
        component: Int = 1,
        priority: UInt32,
        address: PeerAddress,
        type: ICECandidateType,
        relatedAddress: PeerAddress? = nil
    ) {
        self.foundation = foundation
        self.component = component
        self.priority = priority
        self.address = address
        self.type = type
        self.relatedAddress = relatedAddress
    }

    /// The RFC 8445 §5.1.2.1 priority:
    /// `2^24 * type preference + 2^8 * local preference + (256 - component ID)`.
    ///
    /// `localPreference` is clamped to 0...65535 and `component` to 1...256.
    public static func priority(type: ICECandidateType, localPreference: Int = 65535, component: Int = 1) -> UInt32 {
        let local = UInt32(min(max(localPreference, 0), 65535))
        let componentID = UInt32(min(max(component, 1), 256))
        return type.typePreference << 24 | local << 8 | (256 - componentID)
    }
}

/// Why the engine dropped a datagram or message. Every case is a label of the drop counter in
/// `/metrics`, so an operator can tell hostile traffic from a broken peer from an overloaded bridge.
public enum DropReason: Int, CaseIterable, Sendable {
    /// Not STUN, DTLS, RTP or RTCP by its first byte (RFC 7983), or shorter than any of them.
    case unknownDatagramKind
    /// A STUN message that failed to parse.
    case malformedSTUN
    /// A STUN message with a bad MESSAGE-INTEGRITY or FINGERPRINT, or a role conflict we reject.
    case stunUnauthorized
    /// A Binding Request from an unknown address whose USERNAME names no local ufrag.
    case unknownUfrag
    /// DTLS/RTP/RTCP from an address no ICE check has verified.
    case unverifiedSource
    /// A DTLS record the endpoint's association rejected.
    case dtlsError
    /// SRTP/SRTCP before the DTLS handshake produced keys (or after they were refused).
    case noKeys
    /// SRTP/SRTCP authentication failed.
    case srtpAuthenticationFailed
    /// SRTP/SRTCP replayed packet.
    case srtpReplay
    /// Any other SRTP/SRTCP failure.
    case srtpError
    /// An RTP header that failed to parse after decryption.
    case malformedRTP
    /// An RTCP compound that failed to parse after decryption.
    case malformedRTCP
    /// RTP whose payload type the endpoint never signalled.
    case unknownPayloadType
    /// Media of a type the focus force-muted.
    case forceMuted
    /// A bridge-channel message that is not valid JSON of a known shape, or too large.
    case malformedBridgeChannelMessage
    /// A bridge-channel message addressed to an endpoint that does not exist.
    case unknownBridgeChannelTarget
    /// A Colibri2 request body that is not well-formed, safe XML.
    case malformedColibriRequest
    /// A Binding Request naming one endpoint from an address ICE verified for another.
    case addressInUse
    /// A signalled candidate whose address ICE verified for another endpoint: a participant
    /// naming someone else's address would divert their traffic, so it is ignored.
    case candidateAddressInUse
    /// RTP under an SSRC the endpoint never signalled (visitors signal none), or SRTCP from
    /// more unsignalled sender SSRCs than a receive-only client uses.
    case unknownSSRC
    /// A retransmission a NACK asked for, refused by the per-receiver limits.
    case retransmissionLimited
    /// A retransmission a NACK asked for of an encoding the receiver was since switched away from:
    /// it decodes the new one from its key frame, and on a congested link the repair would only
    /// queue ahead of that key frame.
    case retransmissionSuperseded
    /// A sender report for an SSRC the reporting endpoint does not own.
    case spoofedSenderReport
    /// Audio marked silent (RFC 6464 level 127) after three such packets in a row, as JVB drops it.
    case silence
    /// An RTX packet for a number the bridge does not miss: a copy of one that arrived (libwebrtc's
    /// bandwidth probes), or one it gave up asking for (too old, or behind a key frame).
    case duplicateRetransmission
    /// An AV1 dependency descriptor that does not parse (truncated, or beyond AV1's limits).
    case malformedDependencyDescriptor
    /// An SVC packet whose dependency descriptor refers to a structure the bridge does not have:
    /// the key frame that declares it was lost or has not come, so no receiver could decode it.
    case unknownDependencyStructure

    /// The label used in metrics.
    public var label: String {
        switch self {
        case .unknownDatagramKind: "unknown_datagram_kind"
        case .malformedSTUN: "malformed_stun"
        case .stunUnauthorized: "stun_unauthorized"
        case .unknownUfrag: "unknown_ufrag"
        case .unverifiedSource: "unverified_source"
        case .dtlsError: "dtls_error"
        case .noKeys: "no_srtp_keys"
        case .srtpAuthenticationFailed: "srtp_auth_failed"
        case .srtpReplay: "srtp_replay"
        case .srtpError: "srtp_error"
        case .malformedRTP: "malformed_rtp"
        case .malformedRTCP: "malformed_rtcp"
        case .unknownPayloadType: "unknown_payload_type"
        case .forceMuted: "force_muted"
        case .malformedBridgeChannelMessage: "malformed_bridge_channel_message"
        case .unknownBridgeChannelTarget: "unknown_bridge_channel_target"
        case .malformedColibriRequest: "malformed_colibri_request"
        case .addressInUse: "address_in_use"
        case .candidateAddressInUse: "candidate_address_in_use"
        case .unknownSSRC: "unknown_ssrc"
        case .retransmissionLimited: "retransmission_limited"
        case .retransmissionSuperseded: "retransmission_superseded"
        case .spoofedSenderReport: "spoofed_sender_report"
        case .silence: "silence"
        case .duplicateRetransmission: "duplicate_retransmission"
        case .malformedDependencyDescriptor: "malformed_dependency_descriptor"
        case .unknownDependencyStructure: "unknown_dependency_structure"
        }
    }
}

/// Per-reason drop counts in a fixed array, so counting a drop never allocates.
struct DropCounters {
    private var counts = [UInt64](repeating: 0, count: DropReason.allCases.count)

    mutating func count(_ reason: DropReason, times: UInt64 = 1) { counts[reason.rawValue] &+= times }

    subscript(reason: DropReason) -> UInt64 { counts[reason.rawValue] }

    /// Label → count for every reason, zeros included, so dashboards see every series from the start.
    var byLabel: [String: UInt64] {
        Dictionary(uniqueKeysWithValues: DropReason.allCases.map { ($0.label, counts[$0.rawValue]) })
    }
}

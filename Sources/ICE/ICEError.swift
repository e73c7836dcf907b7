/// Why `ICEAgent.handleSTUN` dropped a datagram; callers map each case to a drop counter.
///
/// Policy for invalid requests: an unauthenticated request (wrong USERNAME, missing or wrong
/// MESSAGE-INTEGRITY, bad FINGERPRINT) gets **no reply**. RFC 5389 §10.1.2 allows 400/401, but
/// on a shared public port answering unauthenticated probes only helps scanners, and browsers
/// retransmit anyway. Authenticated requests that are wrong in another way get the error
/// response the RFCs ask for (420, 487, 400) before the error is thrown.
public enum ICEError: Error, Sendable, Equatable {
    /// Not a STUN message: too short, top bits set, no magic cookie or a length that does not
    /// match the datagram (RFC 5389 §6, RFC 7983 demux).
    case notSTUN
    /// STUN framing is broken (attribute overruns), or a mandatory ICE attribute is missing
    /// (PRIORITY in a request, XOR-MAPPED-ADDRESS in a success response).
    case malformed
    /// A comprehension-required attribute we do not understand (420 sent for requests).
    case unknownAttribute
    /// USERNAME is not `<our ufrag>:<their ufrag>`, or MESSAGE-INTEGRITY is missing or wrong.
    case unauthorized
    /// FINGERPRINT is missing or does not match (RFC 5389 §15.5).
    case badFingerprint
    /// The peer claims our role with a tie-breaker that loses; 487 was sent (RFC 8445 §7.3.1.1).
    case roleConflict
    /// A response to no outstanding transaction of ours, or from an address other than the one
    /// the request went to (RFC 8445 §7.2.5.2.1, non-symmetric).
    case unexpectedResponse
    /// A request or indication of a method other than Binding (400 sent for requests).
    case unsupportedMethod
    /// A new peer-reflexive address beyond `ICEAgent.maximumPairs`; answered but not checked.
    case tooManyCandidates
}

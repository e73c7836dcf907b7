import Primitives

/// How often one receiver's wait for a key frame of one source may make the bridge ask its
/// sender: for the same awaited encoding, at most one request per 200 ms and three per 10 s (a
/// lost request or a slow encoder is retried, a sender that never answers is not asked forever).
///
/// A new target encoding (`startNewTarget`) starts a new count: it comes from a new allocation
/// (the receiver's constraints, the speaker or the bandwidth changed), and the switch it stands
/// for cannot happen without a key frame. Counting every target in one window held a down-switch ten
/// seconds behind the key frames of a call's first seconds. The sender is protected across
/// receivers by `BridgeEngine.requestKeyframe` (one request per SSRC per 200 ms, as JVB's
/// `KeyframeRequester` spaces them per SSRC).
struct KeyframeRequestThrottle: Sendable {
    static let minimumIntervalMilliseconds: Int64 = 200
    static let windowMilliseconds: Int64 = 10_000
    static let requestsPerTarget = 3

    private var recent: [Instant] = []

    /// The projection chose another encoding: its requests are counted afresh.
    mutating func startNewTarget() {
        recent.removeAll(keepingCapacity: true)
    }

    /// Whether a request may go out at `now`; if so it is counted.
    mutating func admit(now: Instant) -> Bool {
        if let last = recent.last, now.milliseconds(since: last) < Self.minimumIntervalMilliseconds { return false }
        recent.removeAll { now.milliseconds(since: $0) >= Self.windowMilliseconds }
        guard recent.count < Self.requestsPerTarget else { return false }
        recent.append(now)
        return true
    }
}

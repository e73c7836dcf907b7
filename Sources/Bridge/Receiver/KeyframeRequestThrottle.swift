import Primitives

/// How often one receiver's switches of one source may make the bridge ask its sender for key
/// frames: at most one request per 200 ms and three per 10 s (JVB's figures), so a receiver that
/// keeps switching cannot make a sender emit key frames (large, bursty) all the time. Per source,
/// not per receiver: a receiver joining a call needs one key frame from every sender at once.
struct KeyframeRequestThrottle: Sendable {
    static let minimumIntervalMilliseconds: Int64 = 200
    static let windowMilliseconds: Int64 = 10_000
    static let requestsPerWindow = 3

    private var recent: [Instant] = []

    /// Whether a request may go out at `now`; if so it is counted.
    mutating func admit(now: Instant) -> Bool {
        recent.removeAll { now.milliseconds(since: $0) >= Self.windowMilliseconds }
        if let last = recent.last, now.milliseconds(since: last) < Self.minimumIntervalMilliseconds { return false }
        guard recent.count < Self.requestsPerWindow else { return false }
        recent.append(now)
        return true
    }
}

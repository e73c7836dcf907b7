import Primitives

/// How often one receiver's needs may make the bridge ask senders for key frames: at most one
/// request per 200 ms and three per 10 s, as JVB's `KeyframeRequester` does, so a receiver
/// that keeps switching cannot make a sender emit key frames (large, bursty) all the time.
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

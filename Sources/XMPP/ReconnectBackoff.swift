/// How long to wait before reconnecting: 1 s, doubling after each failed attempt, capped at
/// 30 s; back to 1 s once a connection reaches `.ready`.
public struct ReconnectBackoff: Sendable, Equatable {
    /// The first delay.
    public let initialMilliseconds: Int64
    /// The largest delay.
    public let maximumMilliseconds: Int64
    private var current: Int64

    /// Creates a policy (the 1 s growing to 30 s by default).
    public init(initialMilliseconds: Int64 = 1_000, maximumMilliseconds: Int64 = 30_000) {
        self.initialMilliseconds = max(1, initialMilliseconds)
        self.maximumMilliseconds = max(self.initialMilliseconds, maximumMilliseconds)
        current = self.initialMilliseconds
    }

    /// The delay before the next attempt; each call doubles the following one up to the cap.
    public mutating func nextDelayMilliseconds() -> Int64 {
        let delay = current
        current = current > maximumMilliseconds / 2 ? maximumMilliseconds : current * 2
        return delay
    }

    /// A connection succeeded: the next failure waits the initial delay again.
    public mutating func reset() {
        current = initialMilliseconds
    }
}

public import Primitives

/// stress_level as JVB's packet-rate load measure computes it: packets per second through the
/// media port (received + sent) over a configured capacity. 0 = idle, 1 = at capacity; jicofo
/// avoids bridges at 0.8 and above.
public struct StressMeter: Sendable {
    /// Packets per second that count as full load.
    public let capacity: Double
    /// The latest value.
    public private(set) var stress: Double = 0
    private var last: (packets: UInt64, at: Instant)?

    /// A meter for `capacity` packets per second.
    public init(capacity: Double) { self.capacity = max(1, capacity) }

    /// Feeds the running packet total; the rate is taken over at least a second so one bursty
    /// statistics snapshot does not swing the value.
    public mutating func update(packets: UInt64, now: Instant) {
        guard let last else {
            self.last = (packets, now)
            return
        }
        let elapsed = now.nanoseconds(since: last.at)
        guard elapsed >= 1_000_000_000 else { return }
        let delta = packets >= last.packets ? packets - last.packets : 0
        let rate = Double(delta) / (Double(elapsed) / 1e9)
        stress = rate / capacity
        self.last = (packets, now)
    }
}

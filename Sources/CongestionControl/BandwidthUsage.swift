/// What the delay trend says about the path (draft-ietf-rmcat-gcc-02 §5.4): whether the sender
/// is filling a queue, draining one, or neither.
public enum BandwidthUsage: Sendable, Equatable {
    /// Queuing delay is steady: the rate may grow.
    case normal
    /// Queuing delay keeps growing: the sender is above the bottleneck's capacity.
    case overusing
    /// Queuing delay is shrinking: a queue is draining, so hold the rate until it is empty.
    case underusing
}

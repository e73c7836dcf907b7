/// How two consecutive send-time groups differ: how far apart they were sent and how far apart
/// they arrived. When the path's queue grows, arrivals spread out more than sends did.
public struct GroupDelta: Sendable, Equatable {
    /// Milliseconds between the last send times of the two groups (bridge clock).
    public var sendDeltaMilliseconds: Double
    /// Milliseconds between the last arrival times of the two groups (receiver clock).
    public var arrivalDeltaMilliseconds: Double
    /// The later group's last arrival, in milliseconds on the receiver's clock; the regression's x axis.
    public var arrivalMilliseconds: Double

    /// Creates a delta.
    public init(sendDeltaMilliseconds: Double, arrivalDeltaMilliseconds: Double, arrivalMilliseconds: Double) {
        self.sendDeltaMilliseconds = sendDeltaMilliseconds
        self.arrivalDeltaMilliseconds = arrivalDeltaMilliseconds
        self.arrivalMilliseconds = arrivalMilliseconds
    }

    /// Arrival spread minus send spread: the growth of the one-way queuing delay between the groups.
    public var delayVariationMilliseconds: Double { arrivalDeltaMilliseconds - sendDeltaMilliseconds }
}

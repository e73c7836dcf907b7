// draft-ietf-rmcat-gcc-02 §5.3 filters delay variation with a Kalman filter; libwebrtc has since
// replaced it by a least-squares line over recent smoothed accumulated delay, which reacts to a
// sustained trend rather than to a single late group. This is that second approach.

/// Estimates how fast queuing delay is growing: the slope (ms of delay per ms of time) of a line
/// fitted to the smoothed accumulated delay variation of the last `windowSize` group deltas.
///
/// The window lives in two preallocated arrays used as a ring, so an update allocates nothing.
public struct TrendlineEstimator: Sendable {
    /// How many recent groups the line is fitted to; about 20 groups is 100–400 ms of traffic,
    /// long enough to average out jitter, short enough to catch a queue within a few hundred ms.
    public let windowSize: Int
    /// Weight of the old value in the exponential smoothing of the accumulated delay.
    public let smoothing: Double

    private var times: [Double]
    private var delays: [Double]
    private var stored = 0
    private var next = 0
    private var firstArrival: Double?
    private var accumulatedDelay = 0.0
    private var smoothedDelay = 0.0
    /// Deltas seen so far; the detector trusts the slope more as this grows (up to a cap).
    public private(set) var sampleCount = 0
    /// The latest fitted slope; 0 until the window has filled once.
    public private(set) var slope = 0.0

    /// An estimator over `windowSize` groups (at least 2) with smoothing weight `smoothing`.
    public init(windowSize: Int = 20, smoothing: Double = 0.9) {
        self.windowSize = max(2, windowSize)
        self.smoothing = smoothing
        times = Array(repeating: 0, count: self.windowSize)
        delays = Array(repeating: 0, count: self.windowSize)
    }

    /// Adds one group delta and returns the updated slope.
    @discardableResult
    public mutating func add(_ delta: GroupDelta) -> Double {
        sampleCount += 1
        let origin = firstArrival ?? delta.arrivalMilliseconds
        firstArrival = origin
        accumulatedDelay += delta.delayVariationMilliseconds
        smoothedDelay = smoothing * smoothedDelay + (1 - smoothing) * accumulatedDelay
        times[next] = delta.arrivalMilliseconds - origin
        delays[next] = smoothedDelay
        next = (next + 1) % windowSize
        stored = min(stored + 1, windowSize)
        if stored == windowSize, let fitted = fittedSlope() { slope = fitted }
        return slope
    }

    /// Ordinary least squares over the window; nil when all points share one time (no slope).
    private func fittedSlope() -> Double? {
        var sumTime = 0.0
        var sumDelay = 0.0
        for index in 0..<stored {
            sumTime += times[index]
            sumDelay += delays[index]
        }
        let meanTime = sumTime / Double(stored)
        let meanDelay = sumDelay / Double(stored)
        var covariance = 0.0
        var variance = 0.0
        for index in 0..<stored {
            let dt = times[index] - meanTime
            covariance += dt * (delays[index] - meanDelay)
            variance += dt * dt
        }
        return variance > 0 ? covariance / variance : nil
    }
}

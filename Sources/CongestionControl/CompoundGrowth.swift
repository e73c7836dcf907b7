#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Rates here grow by a fixed fraction per second however often they are updated, so a step of
/// `seconds` multiplies by `(1 + fractionPerSecond)^seconds`, not by a fixed factor per update.
@usableFromInline
func compoundGrowthFactor(fractionPerSecond: Double, seconds: Double) -> Double {
    pow(1 + fractionPerSecond, seconds)
}

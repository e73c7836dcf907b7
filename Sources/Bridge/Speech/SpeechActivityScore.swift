#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The speech activity score of one interval: how likely `activeCount` active sub-units out of
/// `unitCount` are speech, under a binomial model (p = ½) for the count times an exponential
/// prior with rate `lambda`, floored at `SpeechActivityParameters.minimumScore`.
///
/// The counts are small integers, so every possible score is computed once into a table of
/// natural logs; the decision then compares speakers by subtracting table entries.
struct SpeechActivityScoreTable {
    /// `logScores[k]` is ln(score) for `k` active sub-units.
    let logScores: [Double]

    init(unitCount: Int, lambda: Double) {
        logScores = (0...unitCount).map { activeCount in
            let halfLog = log(0.5)
            let score = Self.logBinomialCoefficient(unitCount, activeCount)
                + Double(activeCount) * halfLog + Double(unitCount - activeCount) * halfLog
                - log(lambda) + lambda * Double(activeCount)
            return log(max(score, SpeechActivityParameters.minimumScore))
        }
    }

    /// ln(score) for `activeCount` active sub-units (clamped to the table).
    @inline(__always) func logScore(_ activeCount: Int) -> Double {
        logScores[min(max(activeCount, 0), logScores.count - 1)]
    }

    /// ln of the floor score, what a speaker with no activity has.
    static let logMinimumScore = log(SpeechActivityParameters.minimumScore)

    private static func logBinomialCoefficient(_ n: Int, _ k: Int) -> Double {
        var coefficient = 1.0
        for step in 0..<min(k, n - k) { coefficient = coefficient * Double(n - step) / Double(step + 1) }
        return log(coefficient)
    }

    static let immediate = SpeechActivityScoreTable(
        unitCount: SpeechActivityParameters.subbandCount, lambda: SpeechActivityParameters.immediateLambda)
    static let medium = SpeechActivityScoreTable(
        unitCount: SpeechActivityParameters.immediatesPerMedium, lambda: SpeechActivityParameters.mediumLambda)
    static let long = SpeechActivityScoreTable(
        unitCount: SpeechActivityParameters.mediumsPerLong, lambda: SpeechActivityParameters.longLambda)
}

/// One speaker's scores for the three intervals, as natural logs.
struct SpeechActivityScores: Equatable {
    var immediate: Double
    var medium: Double
    var long: Double

    /// The scores of a speaker with no activity at all; what contenders compete against when
    /// there is no dominant speaker.
    static let floor = SpeechActivityScores(
        immediate: SpeechActivityScoreTable.logMinimumScore,
        medium: SpeechActivityScoreTable.logMinimumScore,
        long: SpeechActivityScoreTable.logMinimumScore)

    /// Whether the long interval shows any speech (the test for "not silent").
    var hasLongActivity: Bool { long > SpeechActivityScoreTable.logMinimumScore }

    /// Whether these scores beat `incumbent`'s by the required ratio in all three intervals;
    /// returns the medium-interval log ratio when they do (contenders are ranked by it).
    func mediumRatioIfWinning(against incumbent: SpeechActivityScores) -> Double? {
        let immediateRatio = immediate - incumbent.immediate
        let mediumRatio = medium - incumbent.medium
        let longRatio = long - incumbent.long
        guard immediateRatio > SpeechActivityParameters.immediateRatioThreshold,
              mediumRatio > SpeechActivityParameters.mediumRatioThreshold,
              longRatio > SpeechActivityParameters.longRatioThreshold
        else { return nil }
        return mediumRatio
    }
}

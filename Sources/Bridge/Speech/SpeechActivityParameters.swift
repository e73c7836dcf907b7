/// The constants of dominant speaker identification: the values jitsi-videobridge runs with
/// (jitsi-utils `DominantSpeakerIdentification`, JVB `reference.conf`), which implement Volfin
/// and Cohen, "Dominant speaker identification for multipoint videoconferencing", Computer
/// Speech and Language 27 (2013). Levels here are in the detector's own scale: 0 is silence and
/// 127 the loudest, i.e. `127 - level` of an RFC 6464 header extension.
enum SpeechActivityParameters {
    /// The decision runs at most this often.
    static let decisionIntervalMilliseconds: Int64 = 300
    /// A speaker without a level for longer than this gets a silent level pushed into its
    /// history for every such period, so a muted or vanished sender fades out.
    static let levelIdleTimeoutMilliseconds: Int64 = 40
    /// Decisions stop being scheduled once nobody has sent a level for this long; the next level
    /// restarts them.
    static let idleDecisionStopMilliseconds: Int64 = 15_000

    /// The loudest level of the detector's scale.
    static let maximumLevel = 127
    /// Sub-bands the level range is cut into for the immediate interval (N1 of the paper).
    static let subbandCount = 13
    /// Width of one sub-band: 128 levels over 13 sub-bands, rounded up.
    static let subbandWidth = (maximumLevel + subbandCount - 1) / subbandCount
    /// Immediate frames (one level each) per medium block (N2).
    static let immediatesPerMedium = 5
    /// Medium blocks in the long interval (N3).
    static let mediumsPerLong = 10
    /// Levels a speaker keeps: one long interval, 50 levels (1 s of 20 ms packets).
    static let historyLength = immediatesPerMedium * mediumsPerLong
    /// An immediate frame counts as active in a medium block above this many sub-bands.
    static let mediumThreshold = 7
    /// A medium block counts as active in the long interval above this many active frames.
    static let longThreshold = 4

    /// Rate of the exponential prior for each interval's activity count.
    static let immediateLambda = 0.78
    static let mediumLambda = 24.0
    static let longLambda = 47.0
    /// Floor of every speech activity score (scores are divided and logged, so never 0).
    static let minimumScore = 1e-10

    /// A contender replaces the dominant speaker only if the natural log of its score over the
    /// dominant speaker's exceeds these in all three intervals (C1, C2, C3 of the paper).
    static let immediateRatioThreshold = 3.0
    static let mediumRatioThreshold = 2.0
    static let longRatioThreshold = 0.0

    /// Levels over which a raised noise floor is estimated (15 s of 20 ms packets).
    static let noiseFloorWindow = 15_000 / 20

    /// Speakers sent after the dominant one in `previousSpeakers`.
    static let recentSpeakersCount = 10
    /// How long nobody may speak before "silence", when silence detection is on.
    static let jvbSilenceDetectionTimeoutMilliseconds: Int64 = 3_000
}

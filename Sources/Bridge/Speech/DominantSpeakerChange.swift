/// Names an endpoint registered with a `DominantSpeakerIdentifier`, for the per-packet path:
/// a slot index and the slot's generation, so reporting a level costs an array access instead
/// of a String lookup, and a handle kept past `endpointRemoved` is simply ignored.
public struct SpeakerHandle: Hashable, Sendable {
    let slot: UInt32
    let generation: UInt32
}

/// What to tell every endpoint after the speaker ranking changed: the body of a
/// `DominantSpeakerEndpointChangeEvent` bridge-channel message.
public struct DominantSpeakerChange: Equatable, Sendable, CustomStringConvertible {
    /// The dominant speaker; during silence, the last one.
    public var dominantSpeaker: String
    /// Earlier dominant speakers, most recent first, at most 10.
    public var previousSpeakers: [String]
    /// Nobody has spoken for the silence timeout (only with silence detection on).
    public var silence: Bool
    /// Whether `dominantSpeaker` differs from the one announced before. JVB counts these
    /// (`dominant_speaker_changes`) and asks the new speaker for a keyframe when more than two
    /// endpoints are in the conference.
    public var dominantSpeakerChanged: Bool

    public init(dominantSpeaker: String, previousSpeakers: [String], silence: Bool, dominantSpeakerChanged: Bool) {
        self.dominantSpeaker = dominantSpeaker
        self.previousSpeakers = previousSpeakers
        self.silence = silence
        self.dominantSpeakerChanged = dominantSpeakerChanged
    }

    public var description: String {
        "dominant=\(dominantSpeaker) previous=\(previousSpeakers) silence=\(silence) changed=\(dominantSpeakerChanged)"
    }
}

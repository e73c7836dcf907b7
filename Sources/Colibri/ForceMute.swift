public import XMLStream

/// `<force-mute [audio="true"] [video="true"]/>`: the endpoint's media of a muted type must be
/// dropped. An empty element unmutes both.
public struct ForceMute: Sendable, Equatable {
    /// Drop the endpoint's audio.
    public var audio: Bool
    /// Drop the endpoint's video.
    public var video: Bool

    /// Creates a force-mute state.
    public init(audio: Bool, video: Bool) {
        self.audio = audio
        self.video = video
    }

    /// Parses `<force-mute>`.
    public init(element: XMLElement) {
        self.init(audio: element.flag("audio"), video: element.flag("video"))
    }
}

/// The media types Colibri2 `<media>` and `<media-source>` carry for endpoints.
public enum MediaType: String, Sendable, Hashable, CaseIterable {
    case audio
    case video

    /// Parses a `type` attribute (case-insensitive, as JVB's `MediaType.parseString`);
    /// nil for other types such as `data`, which the caller skips.
    init?(attribute: String?) {
        guard let attribute, let type = MediaType(rawValue: attribute.lowercased()) else { return nil }
        self = type
    }
}

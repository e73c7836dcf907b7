/// A `ReceiverVideoConstraints` message (docs/colibri2.md §4.4). Every field is optional;
/// the fields present replace the receiver's previous values, absent ones keep them.
public struct ReceiverVideoConstraints: Sendable, Equatable {
    /// One `{maxHeight, maxFrameRate?}`. `maxHeight` is the smaller video dimension; 0 means
    /// "do not forward".
    public struct VideoConstraints: Sendable, Equatable {
        /// The height limit in pixels.
        public var maxHeight: Int
        /// The frame-rate limit, if any.
        public var maxFrameRate: Double?
        /// Creates constraints.
        public init(maxHeight: Int, maxFrameRate: Double? = nil) {
            self.maxHeight = maxHeight
            self.maxFrameRate = maxFrameRate
        }
    }

    /// lastN; -1 is unlimited.
    public var lastN: Int?
    /// Source names the receiver selected (screenshares).
    public var selectedSources: [String]?
    /// Source names on stage (large video).
    public var onStageSources: [String]?
    /// The constraints for sources without an entry in `constraints`.
    public var defaultConstraints: VideoConstraints?
    /// Per-source constraints, by source name.
    public var constraints: [String: VideoConstraints]?
    /// The bandwidth to assume in bps; -1 means use the estimate.
    public var assumedBandwidthBps: Int?
    /// Legacy endpoint-id forms of the two lists.
    public var selectedEndpoints: [String]?
    /// Legacy endpoint-id form of `onStageSources`.
    public var onStageEndpoints: [String]?

    /// Creates a message with every field absent.
    public init() {}

    /// Decodes the fields from a parsed JSON object; fields of the wrong type count as absent.
    init(json object: [String: JSONValue]) {
        lastN = JSONObject.integer(object["lastN"])
        selectedSources = JSONObject.strings(object["selectedSources"])
        onStageSources = JSONObject.strings(object["onStageSources"])
        defaultConstraints = Self.videoConstraints(object["defaultConstraints"])
        if let map = object["constraints"]?.object {
            constraints = map.compactMapValues(Self.videoConstraints)
        }
        assumedBandwidthBps = JSONObject.integer(object["assumedBandwidthBps"])
        selectedEndpoints = JSONObject.strings(object["selectedEndpoints"])
        onStageEndpoints = JSONObject.strings(object["onStageEndpoints"])
    }

    private static func videoConstraints(_ value: JSONValue?) -> VideoConstraints? {
        guard let object = value?.object, let maxHeight = JSONObject.integer(object["maxHeight"]) else { return nil }
        return VideoConstraints(maxHeight: maxHeight, maxFrameRate: JSONObject.double(object["maxFrameRate"]))
    }
}

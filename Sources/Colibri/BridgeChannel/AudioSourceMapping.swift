/// One entry of an `AudioSourcesMap`: which sender source a receiver's audio slot now carries
/// (SSRC rewriting, docs/colibri2.md §5.5). Audio slots have no RTX SSRC.
public struct AudioSourceMapping: Sendable, Equatable {
    /// The source name, `<endpointId>-a<N>`.
    public var source: String
    /// The endpoint that sends the source.
    public var owner: String
    /// The slot's SSRC, chosen by the bridge.
    public var ssrc: UInt32
    /// The MID the bridge stamps on the slot's packets, only for `rtp-mid-demux` receivers.
    public var mid: String?

    /// Creates a mapping.
    public init(source: String, owner: String, ssrc: UInt32, mid: String? = nil) {
        self.source = source
        self.owner = owner
        self.ssrc = ssrc
        self.mid = mid
    }

    /// The JSON object for `mappedSources`.
    var jsonObject: [String: JSONValue] {
        var object: [String: JSONValue] = [
            "source": .string(source), "owner": .string(owner), "ssrc": .integer(Int(ssrc)),
        ]
        if let mid { object["mid"] = .string(mid) }
        return object
    }
}

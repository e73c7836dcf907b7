/// A bridge → client message on the bridge channel that the bridge originates (docs/colibri2.md
/// §4.4, "Bridge → client"). Relayed `EndpointMessage`/`EndpointStats` are not notices: they keep
/// the sender's fields (`BridgeChannelMessage.relayingEndpointMessage`).
///
/// The engine deals in values, so tests compare notices rather than JSON text; the shell turns one
/// into text with `json` just before sending. Field names and types follow what lib-jitsi-meet's
/// `BridgeChannel` reads, including its quirks: `active` is a string, `rtx` a number.
public enum BridgeChannelNotice: Sendable, Equatable {
    /// `VideoSourcesMap`: video slots (re)assigned, or all of them when the channel (re)connects.
    case videoSourcesMap([VideoSourceMapping])
    /// `AudioSourcesMap`: audio slots (re)assigned, or all of them when the channel (re)connects.
    case audioSourcesMap([AudioSourceMapping])
    /// `ForwardedSources`: the names of the video sources the bridge now forwards to this receiver.
    case forwardedSources([String])
    /// `SenderSourceConstraints`: the highest resolution (smaller dimension, pixels) any receiver
    /// needs of one of this sender's sources; 0 means nobody needs it.
    case senderSourceConstraints(sourceName: String, maxHeight: Int)
    /// `DominantSpeakerEndpointChangeEvent`: the new dominant speaker, the previous ones most
    /// recent first, and whether the conference went silent.
    case dominantSpeakerChanged(dominantSpeaker: String, previousSpeakers: [String], silence: Bool)
    /// `EndpointConnectivityStatusChangeEvent`: an endpoint stopped or resumed sending.
    case endpointConnectivityStatusChanged(endpoint: String, active: Bool)
    /// `ConnectionStats`: the bridge's bandwidth estimate toward this receiver, bits per second.
    case connectionStats(estimatedDownlinkBandwidthBps: Int)

    /// The message's `colibriClass`.
    public var colibriClass: String {
        switch self {
        case .videoSourcesMap: "VideoSourcesMap"
        case .audioSourcesMap: "AudioSourcesMap"
        case .forwardedSources: "ForwardedSources"
        case .senderSourceConstraints: "SenderSourceConstraints"
        case .dominantSpeakerChanged: "DominantSpeakerEndpointChangeEvent"
        case .endpointConnectivityStatusChanged: "EndpointConnectivityStatusChangeEvent"
        case .connectionStats: "ConnectionStats"
        }
    }

    /// The message as compact JSON text with sorted keys (so equal notices give equal text).
    /// Strings are escaped by the serializer, so names that came from clients cannot break out.
    public var json: String {
        var object: [String: JSONValue] = ["colibriClass": .string(colibriClass)]
        switch self {
        case .videoSourcesMap(let mappings):
            object["mappedSources"] = .array(mappings.map { .object($0.jsonObject) })
        case .audioSourcesMap(let mappings):
            object["mappedSources"] = .array(mappings.map { .object($0.jsonObject) })
        case .forwardedSources(let names):
            object["forwardedSources"] = .array(names.map(JSONValue.string))
        case .senderSourceConstraints(let sourceName, let maxHeight):
            object["sourceName"] = .string(sourceName)
            object["maxHeight"] = .integer(maxHeight)
        case .dominantSpeakerChanged(let dominantSpeaker, let previousSpeakers, let silence):
            object["dominantSpeakerEndpoint"] = .string(dominantSpeaker)
            object["previousSpeakers"] = .array(previousSpeakers.map(JSONValue.string))
            object["silence"] = .bool(silence)
        case .endpointConnectivityStatusChanged(let endpoint, let active):
            object["endpoint"] = .string(endpoint)
            // lib-jitsi-meet tests `active === 'true'`: a JSON boolean would read as inactive.
            object["active"] = .string(active ? "true" : "false")
        case .connectionStats(let estimatedDownlinkBandwidthBps):
            object["estimatedDownlinkBandwidth"] = .integer(estimatedDownlinkBandwidthBps)
        }
        return JSONObject.serialize(object)
    }
}

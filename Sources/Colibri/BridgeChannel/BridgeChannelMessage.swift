/// One client → bridge message on the bridge channel: UTF-8 JSON whose `colibriClass` selects
/// the type (docs/colibri2.md §4.4). Only what the engine acts on is decoded; relayed messages
/// keep their original bytes (see `relayingEndpointMessage`).
public enum BridgeChannelMessage: Sendable, Equatable {
    /// `EndpointMessage`: relay to endpoint `to`, or to everyone when `to` is "".
    case endpointMessage(to: String)
    /// `EndpointStats`: relay to the endpoints that want stats from the sender.
    case endpointStats
    /// `ClientHello`: answer with `serverHello`.
    case clientHello
    /// `ReceiverVideoConstraints`: the receiver's lastN and per-source height limits.
    case receiverVideoConstraints(ReceiverVideoConstraints)
    /// `LastNChangedEvent`.
    case lastNChanged(lastN: Int)
    /// `SourceVideoTypeMessage`: `camera`, `desktop`, `desktop_high_fps` or `none`, lower-cased.
    case sourceVideoType(sourceName: String, videoType: String)
    /// Any other class, ignored by the bridge.
    case other(colibriClass: String)

    /// The largest message accepted (JVB's messages are far smaller; chat goes through XMPP).
    public static let maxMessageBytes = 64 * 1024

    /// Decodes one message.
    public static func parse(_ bytes: [UInt8]) throws(BridgeChannelError) -> BridgeChannelMessage {
        let object = try JSONObject.parse(bytes, limit: maxMessageBytes)
        guard let colibriClass = object["colibriClass"]?.string else { throw .missingColibriClass }
        switch colibriClass {
        case "EndpointMessage":
            guard let to = object["to"]?.string else { throw .invalidField("to") }
            return .endpointMessage(to: to)
        case "EndpointStats":
            return .endpointStats
        case "ClientHello":
            return .clientHello
        case "ReceiverVideoConstraints":
            return .receiverVideoConstraints(ReceiverVideoConstraints(json: object))
        case "LastNChangedEvent":
            guard let lastN = JSONObject.integer(object["lastN"]) else { throw .invalidField("lastN") }
            return .lastNChanged(lastN: lastN)
        case "SourceVideoTypeMessage":
            guard let sourceName = object["sourceName"]?.string else { throw .invalidField("sourceName") }
            guard let videoType = object["videoType"]?.string else { throw .invalidField("videoType") }
            return .sourceVideoType(sourceName: sourceName, videoType: videoType.lowercased())
        default:
            return .other(colibriClass: colibriClass)
        }
    }

    /// The message to forward for a relayed `EndpointMessage` or `EndpointStats`: the original
    /// object with `from` set to the sender's endpoint id (added, or overwritten so a client
    /// cannot spoof it), every other field preserved. Key order is not preserved.
    public static func relayingEndpointMessage(_ original: [UInt8], from: String) throws(BridgeChannelError) -> String {
        var object = try JSONObject.parse(original, limit: maxMessageBytes)
        object["from"] = .string(from)
        return JSONObject.serialize(object)
    }

    /// `{"colibriClass":"ServerHello"}`, with `version` when given.
    public static func serverHello(version: String?) -> String {
        var object: [String: JSONValue] = ["colibriClass": .string("ServerHello")]
        if let version { object["version"] = .string(version) }
        return JSONObject.serialize(object)
    }
}

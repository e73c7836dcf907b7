/// Why a bridge-channel message was refused. The engine drops the message and counts it.
public enum BridgeChannelError: Error, Sendable, Equatable {
    /// Longer than `BridgeChannelMessage.maxMessageBytes`.
    case tooLarge
    /// Not valid UTF-8 JSON.
    case invalidJSON
    /// Valid JSON, but not an object.
    case notAnObject
    /// No string `colibriClass` field.
    case missingColibriClass
    /// A field the message type requires is missing or has the wrong type.
    case invalidField(String)
}

public import XMLStream

/// One `<payload-type xmlns="urn:xmpp:jingle:apps:rtp:1">` of jicofo's offer.
public struct PayloadTypeDescription: Sendable, Equatable {
    /// One `<parameter>`: an fmtp parameter. `name` is absent in the RED fmtp ("111/111").
    public struct Parameter: Sendable, Equatable {
        /// The parameter name, if any.
        public var name: String?
        /// The value.
        public var value: String
        /// Creates a parameter.
        public init(name: String?, value: String) {
            self.name = name
            self.value = value
        }
    }

    /// One `<rtcp-fb xmlns="urn:xmpp:jingle:apps:rtp:rtcp-fb:0">`.
    public struct RTCPFeedback: Sendable, Equatable {
        /// `nack`, `ccm`, `transport-cc`, `goog-remb`…
        public var type: String
        /// `pli`, `fir`…, if any.
        public var subtype: String?
        /// Creates a feedback entry.
        public init(type: String, subtype: String? = nil) {
            self.type = type
            self.subtype = subtype
        }
    }

    /// The RTP payload type, 0…127.
    public var id: UInt8
    /// The codec name as sent (`opus`, `VP8`, `rtx`…); "" if absent.
    public var name: String
    /// The RTP clock rate; 0 if absent.
    public var clockrate: UInt32
    /// The channel count, if given (audio).
    public var channels: UInt8?
    /// The fmtp parameters in document order.
    public var parameters: [Parameter]
    /// The RTCP feedback types in document order.
    public var rtcpFeedback: [RTCPFeedback]

    /// Creates a payload type.
    public init(id: UInt8, name: String, clockrate: UInt32, channels: UInt8? = nil,
                parameters: [Parameter] = [], rtcpFeedback: [RTCPFeedback] = []) {
        self.id = id
        self.name = name
        self.clockrate = clockrate
        self.channels = channels
        self.parameters = parameters
        self.rtcpFeedback = rtcpFeedback
    }

    /// Parses a `<payload-type>`; bad-request if `id` is missing or not 0…127.
    public init(element: XMLElement) throws(Colibri2Error) {
        guard let id = try element.integer("id", as: UInt8.self), id < 128 else {
            throw .badRequest("Invalid or missing payload type id")
        }
        self.id = id
        name = element.attribute("name") ?? ""
        clockrate = try element.integer("clockrate") ?? 0
        channels = try element.integer("channels")
        parameters = element.children("parameter", namespace: Colibri2Namespace.rtp).map {
            Parameter(name: $0.attribute("name"), value: $0.attribute("value") ?? "")
        }
        rtcpFeedback = element.children("rtcp-fb", namespace: Colibri2Namespace.rtcpFeedback).compactMap {
            guard let type = $0.attribute("type") else { return nil }
            return RTCPFeedback(type: type, subtype: $0.attribute("subtype"))
        }
    }

    /// The value of fmtp parameter `name` (for `apt` of an rtx payload type, say).
    public func parameter(_ name: String) -> String? {
        parameters.first { $0.name == name }?.value
    }
}

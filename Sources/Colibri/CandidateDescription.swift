public import XMLStream

/// One ICE `<candidate>` of an ICE-UDP transport (the client's, trickled by jicofo, or the
/// bridge's own in a response).
public struct CandidateDescription: Sendable, Equatable {
    /// The component: 1 (RTP; rtcp-mux is mandatory).
    public var component: Int
    /// The foundation.
    public var foundation: String
    /// The ICE generation, normally 0.
    public var generation: Int
    /// A unique id string.
    public var id: String
    /// The address: an IP literal, or an mDNS name (`….local`) from a browser.
    public var ip: String
    /// The port.
    public var port: UInt16
    /// The RFC 8445 priority.
    public var priority: UInt32
    /// `udp` (or `tcp`, which the bridge ignores).
    public var `protocol`: String
    /// `host`, `srflx`, `prflx` or `relay`.
    public var type: String
    /// The network id.
    public var network: Int
    /// The related address (srflx/relay), if any.
    public var relAddr: String?
    /// The related port, if any.
    public var relPort: UInt16?
    /// `active`, `passive` or `so` for TCP candidates.
    public var tcpType: String?

    /// Creates a candidate.
    public init(component: Int = 1, foundation: String, generation: Int = 0, id: String, ip: String, port: UInt16,
                priority: UInt32, protocol: String = "udp", type: String, network: Int = 0,
                relAddr: String? = nil, relPort: UInt16? = nil, tcpType: String? = nil) {
        self.component = component
        self.foundation = foundation
        self.generation = generation
        self.id = id
        self.ip = ip
        self.port = port
        self.priority = priority
        self.protocol = `protocol`
        self.type = type
        self.network = network
        self.relAddr = relAddr
        self.relPort = relPort
        self.tcpType = tcpType
    }

    /// Parses a `<candidate>`; nil when `ip`, `port`, `priority` or `component` is missing or
    /// unparsable. Such a candidate is dropped rather than failing the request, because an
    /// error on a trickle update would make jicofo move the whole conference (§2.5).
    public init?(element: XMLElement) {
        guard let ip = element.attribute("ip"), !ip.isEmpty,
            let port = element.attribute("port").flatMap({ UInt16($0) }),
            let priority = element.attribute("priority").flatMap({ UInt32($0) }),
            let component = element.attribute("component").flatMap({ Int($0) })
        else { return nil }
        self.init(
            component: component,
            foundation: element.attribute("foundation") ?? "",
            generation: element.attribute("generation").flatMap { Int($0) } ?? 0,
            id: element.attribute("id") ?? "",
            ip: ip, port: port, priority: priority,
            protocol: element.attribute("protocol") ?? "udp",
            type: element.attribute("type") ?? "host",
            network: element.attribute("network").flatMap { Int($0) } ?? 0,
            relAddr: element.attribute("rel-addr"),
            relPort: element.attribute("rel-port").flatMap { UInt16($0) },
            tcpType: element.attribute("tcptype")
        )
    }

    /// The `<candidate>` element (in the ICE-UDP namespace).
    public func element() -> XMLElement {
        var attributes: [(name: String, value: String)] = [
            ("component", String(component)), ("foundation", foundation), ("generation", String(generation)),
            ("id", id), ("network", String(network)), ("priority", String(priority)),
            ("protocol", `protocol`), ("type", type), ("ip", ip), ("port", String(port)),
        ]
        if let relAddr { attributes.append(("rel-addr", relAddr)) }
        if let relPort { attributes.append(("rel-port", String(relPort))) }
        if let tcpType { attributes.append(("tcptype", tcpType)) }
        return XMLElement("candidate", namespace: Colibri2Namespace.iceUDP, attributes: attributes)
    }
}
